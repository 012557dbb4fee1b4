import { describe, expect, it } from 'vitest';
import { categoryRules, checkDetectedType, validateDeclaredUpload } from '../../src/domain/categories.ts';
import { createTextCheck, decideDetectedType } from '../../src/domain/content-sniff.ts';
import { canTransition } from '../../src/domain/file-status.ts';
import { contentDisposition, sanitizeFilename } from '../../src/domain/filename.ts';
import { decodeCursor, encodeCursor } from '../../src/domain/pagination.ts';

const MB = 1024 * 1024;
const rules = categoryRules({ logo: 1 * MB });

describe('declared uploads', () => {
  it.each([
    [{ category: 'resume', contentType: 'application/pdf', size: 1000 }, 'ok'],
    [{ category: 'resume', contentType: 'Text/Plain; charset=UTF-8', size: 10 }, 'ok'],
    [{ category: 'csv_import', contentType: 'application/csv', size: 10 }, 'ok'],
    [{ category: 'resume', contentType: 'image/png', size: 1000 }, 'unsupported_type'],
    [{ category: 'logo', contentType: 'application/pdf', size: 1000 }, 'unsupported_type'],
    [{ category: 'resume', contentType: 'application/pdf', size: 11 * MB }, 'file_too_large'],
    [{ category: 'logo', contentType: 'image/png', size: 1.5 * MB }, 'file_too_large'],
    [{ category: 'resume', contentType: 'application/pdf', size: 0 }, 'empty_file'],
    [{ category: 'resume', contentType: 'application/pdf', size: -1 }, 'invalid_size'],
    [{ category: 'resume', contentType: 'application/pdf', size: 1.5 }, 'invalid_size'],
    [{ category: 'tax_return', contentType: 'application/pdf', size: 10 }, 'invalid_category'],
  ])('%j → %s', (declared, expected) => {
    const result = validateDeclaredUpload(declared, rules);
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });
});

describe('detected types', () => {
  it.each([
    ['resume', 'application/pdf', 'application/pdf', null],
    ['resume', 'application/x-msdownload', 'application/pdf', 'content_mismatch'],
    ['resume', 'application/x-msdownload', null, 'unsupported_type'],
    ['resume', 'image/png', null, 'unsupported_type'],
    ['resume', null, null, 'unsupported_type'],
    ['logo', 'image/jpeg', 'image/jpg', null],
    ['csv_import', 'text/csv', 'text/csv', null],
  ])('%s: found %s, declared %s → %s', (category, detected, declared, expected) => {
    expect(checkDetectedType(category, detected, declared)?.code ?? null).toBe(expected);
  });

  it('recognizes text incrementally: UTF-8 split across chunks is fine, NUL bytes and invalid UTF-8 are not', () => {
    const ok = createTextCheck();
    const euro = Buffer.from('prix: 5 €');
    ok.push(euro.subarray(0, euro.length - 1));
    ok.push(euro.subarray(euro.length - 1));
    expect(ok.end()).toBe(true);
    const nul = createTextCheck();
    nul.push(Buffer.from('a\0b'));
    expect(nul.end()).toBe(false);
    const invalid = createTextCheck();
    invalid.push(Buffer.from([0xc3, 0x28]));
    expect(invalid.end()).toBe(false);
    expect(decideDetectedType({ sniffedMime: null, isText: true, category: 'csv_import' })).toBe('text/csv');
    expect(decideDetectedType({ sniffedMime: null, isText: true, category: 'resume' })).toBe('text/plain');
    expect(decideDetectedType({ sniffedMime: 'application/pdf', isText: false, category: 'resume' })).toBe('application/pdf');
    expect(decideDetectedType({ sniffedMime: null, isText: false, category: 'resume' })).toBeNull();
  });
});

describe('filenames', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['résumé\u202Efdp.exe', 'résuméfdp.exe'],
    ['CON.pdf', '_CON.pdf'],
    ['lpt1', '_lpt1'],
    ['<script>.pdf', '_script_.pdf'],
    ['nul\u0000byte.pdf', 'nulbyte.pdf'],
    ['.bashrc', 'bashrc'],
    ['  ..hidden.txt  ', 'hidden.txt'],
    ['', 'file'],
    ['../', 'file'],
    ['re\u0301sume\u0301.pdf', 'résumé.pdf'],
    ['zero\u200bwidth.pdf', 'zerowidth.pdf'],
    ['emoji 🎉.pdf', 'emoji 🎉.pdf'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('keeps at most 255 UTF-8 bytes without splitting a character, and keeps the extension', () => {
    const long = sanitizeFilename(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(long).not.toContain('\uFFFD');
    expect(sanitizeFilename('a'.repeat(300))).toHaveLength(255);
  });

  it('encodes Content-Disposition per RFC 6266 / 5987', () => {
    expect(contentDisposition('Ada "CV".pdf')).toBe(`attachment; filename="Ada _CV_.pdf"; filename*=UTF-8''Ada%20%22CV%22.pdf`);
    expect(contentDisposition('résumé.pdf')).toBe(`attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
  });
});

describe('file states and cursors', () => {
  it.each([
    ['pending_upload', 'uploaded', true],
    ['uploaded', 'scanning', true],
    ['scanning', 'clean', true],
    ['scanning', 'infected', true],
    ['clean', 'scanning', true],
    ['clean', 'deleted', true],
    ['pending_upload', 'clean', false],
    ['uploaded', 'clean', false],
    ['infected', 'clean', false],
    ['deleted', 'clean', false],
  ] as const)('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('round-trips cursors and refuses forged ones', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '01a20335-98fe-714f-b347-ad7e43259d36' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(() => decodeCursor('garbage')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('["x","y"]').toString('base64url'))).toThrow(/cursor/);
  });
});
