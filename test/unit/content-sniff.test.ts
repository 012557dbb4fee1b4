import { fileTypeFromBuffer } from 'file-type';
import { describe, expect, it } from 'vitest';
import { MIME } from '../../src/domain/categories.ts';
import { createTextCheck, decideDetectedType } from '../../src/domain/content-sniff.ts';
import { fakeExecutable, makeDocx, makePdf, PNG_1X1 } from '../helpers/documents.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const utf8 = (text: string) => new TextEncoder().encode(text);

function isText(chunks: Uint8Array[]): boolean {
  const check = createTextCheck();
  for (const chunk of chunks) check.push(chunk);
  return check.end();
}

/** Splits into chunks of `size` bytes, to cut characters in the middle. */
const chunked = (data: Uint8Array, size: number) => Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));

describe('the incremental text check', () => {
  const euro = utf8('prix: 5 €, emoji 🎉, Zürich');
  it.each([
    ['ASCII', [utf8('name,email\nAda,ada@example.test\n')], true],
    ['UTF-8 in one chunk', [euro], true],
    ['UTF-8 split every byte', chunked(euro, 1), true],
    ['UTF-8 split every 3 bytes', chunked(euro, 3), true],
    ['a BOM', [bytes(0xef, 0xbb, 0xbf), utf8('hello')], true],
    ['no chunks at all', [], true],
    ['an empty chunk', [new Uint8Array(0)], true],
    ['a NUL byte', [utf8('a\0b')], false],
    ['a NUL byte in a later chunk', [utf8('fine'), bytes(0x41, 0x00)], false],
    ['UTF-16LE text', [bytes(0xff, 0xfe, 0x61, 0x00)], false],
    ['an invalid continuation', [bytes(0xc3, 0x28)], false],
    ['a lone continuation byte', [bytes(0x80)], false],
    ['an overlong encoding', [bytes(0xc0, 0xaf)], false],
    ['an encoded surrogate', [bytes(0xed, 0xa0, 0x80)], false],
    ['Latin-1 bytes', [bytes(0x72, 0xe9, 0x73, 0x75, 0x6d, 0xe9)], false],
    ['a stream cut mid-character', [euro.subarray(0, euro.indexOf(0xe2) + 1)], false],
  ])('%s → %s', (_name, chunks, expected) => {
    expect(isText(chunks)).toBe(expected);
  });

  it('knows it failed as soon as it sees bad bytes, and stays failed', () => {
    const check = createTextCheck();
    check.push(utf8('ok'));
    expect(check.valid).toBe(true);
    check.push(bytes(0xff));
    expect(check.valid).toBe(false);
    check.push(utf8('more text'));
    expect(check.end()).toBe(false);
    expect(check.end()).toBe(false);
  });
});

describe('the decided type', () => {
  it.each([
    // sniffed by file-type, valid text, category, declared → decided
    [MIME.pdf, false, 'resume', null, MIME.pdf],
    [MIME.pdf, true, 'resume', MIME.txt, MIME.pdf],
    [MIME.docx, false, 'resume', null, MIME.docx],
    ['application/x-msdownload', false, 'resume', MIME.pdf, 'application/x-msdownload'],
    [undefined, true, 'resume', null, MIME.txt],
    [null, true, 'cover_letter', MIME.txt, MIME.txt],
    [null, true, 'csv_import', null, MIME.csv],
    [null, true, 'csv_import', 'text/plain', MIME.csv],
    [null, true, 'resume', 'application/csv', MIME.csv],
    [null, false, 'resume', MIME.txt, null],
    [null, false, 'csv_import', MIME.csv, null],
  ] as const)('file-type %s, text %s, %s declared %s → %s', (sniffedMime, isText, category, declaredType, expected) => {
    expect(decideDetectedType({ sniffedMime, isText, category, declaredType })).toBe(expected);
  });

  it('agrees with file-type on real documents', async () => {
    const decide = async (data: Uint8Array, category = 'resume') =>
      decideDetectedType({ sniffedMime: (await fileTypeFromBuffer(data.subarray(0, 4100)))?.mime ?? null, isText: isText([data]), category });
    expect(await decide(await makePdf())).toBe(MIME.pdf);
    expect(await decide(await makeDocx('Ada Lovelace'))).toBe(MIME.docx);
    expect(await decide(PNG_1X1, 'logo')).toBe(MIME.png);
    expect(await decide(utf8('Ada Lovelace\nada@example.test\n'))).toBe(MIME.txt);
    expect(await decide(utf8('name,email\nAda,ada@example.test\n'), 'csv_import')).toBe(MIME.csv);
    expect(await decide(fakeExecutable())).not.toBe(MIME.pdf);
  });
});
