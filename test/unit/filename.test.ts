import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitizeFilename } from '../../src/domain/filename.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('sanitizeFilename', () => {
  it.each([
    // Path components.
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['C:\\Users\\ada\\cv.pdf', 'cv.pdf'],
    ['/var/tmp/', 'file'],
    ['../', 'file'],
    ['dir/..', 'file'],
    // Control characters.
    ['nul\u0000byte.pdf', 'nulbyte.pdf'],
    ['cv.pdf\r\nSet-Cookie: a=b', 'cv.pdfSet-Cookie_ a=b'],
    ['tab\there.txt', 'tabhere.txt'],
    ['del\u007f.pdf', 'del.pdf'],
    ['c1\u0085\u009b.pdf', 'c1.pdf'],
    ['line\u2028sep.pdf', 'linesep.pdf'],
    // Bidi controls and invisible characters.
    ['résumé\u202Efdp.exe', 'résuméfdp.exe'],
    ['cv\u2066\u2067\u2068\u2069.pdf', 'cv.pdf'],
    ['cv\u200e\u200f\u061c.pdf', 'cv.pdf'],
    ['zero\u200bwidth\ufeff.pdf', 'zerowidth.pdf'],
    ['soft\u00adhyphen.pdf', 'softhyphen.pdf'],
    ['\u202Bcv.pdf', 'cv.pdf'],
    // Leading and trailing dots and spaces.
    ['.bashrc', 'bashrc'],
    ['  ..hidden.txt  ', 'hidden.txt'],
    ['cv.pdf...', 'cv.pdf'],
    ['cv.pdf . .', 'cv.pdf'],
    ['...', 'file'],
    ['', 'file'],
    ['\u202E', 'file'],
    // Windows.
    ['CON.pdf', '_CON.pdf'],
    ['con', '_con'],
    ['lpt1', '_lpt1'],
    ['COM9.tar.gz', '_COM9.tar.gz'],
    ['aux .txt', '_aux .txt'],
    ['console.pdf', 'console.pdf'],
    ['COM0.pdf', 'COM0.pdf'],
    ['<script>.pdf', '_script_.pdf'],
    ['a:b|c?d*e"f.pdf', 'a_b_c_d_e_f.pdf'],
    // Unicode.
    ['re\u0301sume\u0301.pdf', 'résumé.pdf'],
    ['e\u200b\u0301.pdf', 'é.pdf'],
    ['emoji 🎉.pdf', 'emoji 🎉.pdf'],
    ['family 👨‍👩‍👧.pdf', 'family 👨‍👩‍👧.pdf'],
    ['می‌خواهم.pdf', 'می‌خواهم.pdf'],
    ['履歴書.pdf', '履歴書.pdf'],
    ['lone\ud800surrogate.pdf', 'lone\ufffdsurrogate.pdf'],
    ['Ada Lovelace — CV.pdf', 'Ada Lovelace — CV.pdf'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it.each([
    ['300 × a, no extension', 'a'.repeat(300), (out: string) => out === 'a'.repeat(255)],
    ['300 × a + .pdf', `${'a'.repeat(300)}.pdf`, (out: string) => out === `${'a'.repeat(251)}.pdf`],
    ['300 × é + .pdf', `${'é'.repeat(300)}.pdf`, (out: string) => out === `${'é'.repeat(125)}.pdf`],
    ['100 × 🎉 + .docx', `${'🎉'.repeat(100)}.docx`, (out: string) => out === `${'🎉'.repeat(62)}.docx`],
    ['a long "extension" is not kept', `x.${'b'.repeat(300)}`, (out: string) => bytes(out) === 255 && out.startsWith('x.b')],
    ['a cut that lands on a space', `${'a'.repeat(254)} b`, (out: string) => out === 'a'.repeat(254)],
  ])('truncates %s to at most 255 UTF-8 bytes, whole characters, extension kept', (_name, raw, check) => {
    const out = sanitizeFilename(raw);
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out).not.toContain('\ufffd');
    expect(check(out)).toBe(true);
  });

  it('is idempotent', () => {
    for (const raw of ['../../etc/passwd', 'résumé\u202Efdp.exe', 'CON.pdf', `${'é'.repeat(300)}.pdf`, ' .x. ', '<a>']) {
      const once = sanitizeFilename(raw);
      expect(sanitizeFilename(once)).toBe(once);
    }
  });
});

describe('contentDisposition', () => {
  it.each([
    ['cv.pdf', `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`],
    ['Ada "CV".pdf', `attachment; filename="Ada _CV_.pdf"; filename*=UTF-8''Ada%20%22CV%22.pdf`],
    ['back\\slash.pdf', `attachment; filename="back_slash.pdf"; filename*=UTF-8''back%5Cslash.pdf`],
    ['100%25 real.pdf', `attachment; filename="100_25 real.pdf"; filename*=UTF-8''100%2525%20real.pdf`],
    ['résumé.pdf', `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`],
    ["it's (final)*.pdf", `attachment; filename="it's (final)*.pdf"; filename*=UTF-8''it%27s%20%28final%29%2A.pdf`],
    ['🎉.pdf', `attachment; filename="__.pdf"; filename*=UTF-8''%F0%9F%8E%89.pdf`],
    ['a\r\nb.pdf', `attachment; filename="a__b.pdf"; filename*=UTF-8''a%0D%0Ab.pdf`],
    ['lone\ud800.pdf', `attachment; filename="lone_.pdf"; filename*=UTF-8''lone%EF%BF%BD.pdf`],
  ])('%j', (name, expected) => {
    expect(contentDisposition(name)).toBe(expected);
  });

  it('yields only visible ASCII, so it is always a valid header value', () => {
    for (const name of ['\u0000\u202E\u2028', '日本語', 'x"\\;=,']) expect(contentDisposition(name)).toMatch(/^[\x20-\x7e]+$/);
  });
});
