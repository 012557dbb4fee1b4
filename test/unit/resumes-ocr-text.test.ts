import { describe, expect, it } from 'vitest';
import { repairOcrEmails, repairOcrLinks } from '../../src/resumes/ocr-text.ts';

/** E-mail addresses as OCR misreads them on page images, repaired only where one reading is possible. */
describe('repairing e-mail addresses read by OCR', () => {
  it.each([
    ['jane @ gmail . com', 'jane@gmail.com'],
    ['Email: jane.doe@gmai1.com Phone: 555', 'Email: jane.doe@gmail.com Phone: 555'],
    ['jane.doe@grnail.corn', 'jane.doe@gmail.com'],
    ['x_y@hotmaii.com', 'x_y@hotmail.com'],
    ['jane©example.org', 'jane@example.org'],
    ['jane ® example.org', 'jane@example.org'],
    ['E-mail: a.b@tum,de | Munich', 'E-mail: a.b@tum.de | Munich'],
    ['Email : JaneRoe42Qoutlook.com', 'Email : JaneRoe42@outlook.com'],
  ])('%j reads as %j', (ocr, repaired) => expect(repairOcrEmails(ocr)).toBe(repaired));

  it.each([
    // An icon read as "@" before a whole address; a lost dot in the local part has no single reading.
    '@ ahmed almijbari@tum.de',
    'Email @ jane@example.org',
    // Sentences, not addresses.
    'Scaled the platform @ Acme, Inc',
    'Built data pipelines @ scale. It was',
    // Digits and letters in a local part are the author's: "jane1" may be right.
    'jane1@example.org',
    // A domain that is no provider's look-alike stays as read.
    'jane@example.corn',
    // "Q" before a domain that is no mailbox provider's, or in an address that has its "@", is a letter.
    'IQexample.com',
    'janeQ@gmail.com',
  ])('%j stays as read', (ocr) => expect(repairOcrEmails(ocr)).toBe(ocr));
});

describe('repairing profile links read by OCR', () => {
  it.each([
    ['Linkedin - linkedin.com /in /Aditya-Singh', 'Linkedin - linkedin.com/in/Aditya-Singh'],
    ['github.com/ jane-doe | www.linkedin.com/ in/ jane', 'github.com/jane-doe | www.linkedin.com/in/jane'],
    ['% ahmedalmijbari.githubio @ mail', '% ahmedalmijbari.github.io @ mail'],
  ])('%j reads as %j', (ocr, repaired) => expect(repairOcrLinks(ocr)).toBe(repaired));

  it.each([
    // A handle split by OCR may be one handle or a handle and a word: left as read.
    'github.com/Adityal 7072000',
    'see example.com /docs',
  ])('%j stays as read', (ocr) => expect(repairOcrLinks(ocr)).toBe(ocr));
});
