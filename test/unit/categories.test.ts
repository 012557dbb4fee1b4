import { describe, expect, it } from 'vitest';
import { categoryRules, checkDetectedType, MIME, normalizeMime, validateDeclaredUpload } from '../../src/domain/categories.ts';
import { AppError } from '../../src/errors.ts';
import { problemError } from '../../src/domain/problems.ts';

const MB = 1024 * 1024;
const defaults = categoryRules();
const rules = categoryRules({ logo: 1 * MB });

describe('category rules', () => {
  it('has the API defaults and takes per-deployment maximum sizes', () => {
    expect(defaults.resume).toEqual({ allowedTypes: [MIME.pdf, MIME.docx, MIME.txt], maxSize: 10 * MB });
    expect(defaults.cover_letter.maxSize).toBe(10 * MB);
    expect(defaults.logo).toEqual({ allowedTypes: [MIME.png, MIME.jpeg], maxSize: 2 * MB });
    expect(defaults.csv_import).toEqual({ allowedTypes: [MIME.csv], maxSize: 50 * MB });
    expect(rules.logo.maxSize).toBe(1 * MB);
    expect(rules.resume.maxSize).toBe(10 * MB);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a maximum size of %s at start-up', (size) => {
    expect(() => categoryRules({ resume: size })).toThrow(RangeError);
  });
});

describe('declared content types', () => {
  it.each([
    ['application/pdf', MIME.pdf],
    ['Application/PDF', MIME.pdf],
    ['application/x-pdf', MIME.pdf],
    ['text/plain; charset=utf-8', MIME.txt],
    [' Text/Plain ;charset="UTF-8"', MIME.txt],
    ['application/csv', MIME.csv],
    ['text/x-csv', MIME.csv],
    ['application/vnd.ms-excel', MIME.csv],
    ['image/jpg', MIME.jpeg],
    ['image/x-png', MIME.png],
    ['application/octet-stream', 'application/octet-stream'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeMime(raw)).toBe(expected);
  });
});

describe('declared uploads', () => {
  it.each([
    [{ category: 'resume', contentType: 'application/pdf', size: 1000 }, 'ok'],
    [{ category: 'resume', contentType: MIME.docx, size: 1000 }, 'ok'],
    [{ category: 'cover_letter', contentType: 'Text/Plain; charset=UTF-8', size: 10 }, 'ok'],
    [{ category: 'csv_import', contentType: 'application/csv', size: 10 }, 'ok'],
    [{ category: 'csv_import', contentType: 'text/csv', size: 50 * MB }, 'ok'],
    [{ category: 'logo', contentType: 'image/jpeg', size: 1 * MB }, 'ok'],
    [{ category: 'resume', contentType: 'application/pdf', size: 10 * MB }, 'ok'],
    [{ category: 'resume', contentType: 'image/png', size: 1000 }, 'unsupported_type'],
    [{ category: 'resume', contentType: 'application/msword', size: 1000 }, 'unsupported_type'],
    [{ category: 'resume', contentType: 'text/csv', size: 1000 }, 'unsupported_type'],
    [{ category: 'resume', contentType: '', size: 1000 }, 'unsupported_type'],
    [{ category: 'logo', contentType: 'application/pdf', size: 1000 }, 'unsupported_type'],
    [{ category: 'logo', contentType: 'image/svg+xml', size: 1000 }, 'unsupported_type'],
    [{ category: 'csv_import', contentType: 'text/plain', size: 10 }, 'unsupported_type'],
    [{ category: 'resume', contentType: 'application/pdf', size: 10 * MB + 1 }, 'file_too_large'],
    [{ category: 'logo', contentType: 'image/png', size: 1.5 * MB }, 'file_too_large'],
    [{ category: 'csv_import', contentType: 'text/csv', size: 50 * MB + 1 }, 'file_too_large'],
    [{ category: 'resume', contentType: 'application/pdf', size: 0 }, 'empty_file'],
    [{ category: 'resume', contentType: 'application/pdf', size: -1 }, 'invalid_size'],
    [{ category: 'resume', contentType: 'application/pdf', size: 1.5 }, 'invalid_size'],
    [{ category: 'resume', contentType: 'application/pdf', size: Number.NaN }, 'invalid_size'],
    [{ category: 'resume', contentType: 'application/pdf', size: 2 ** 60 }, 'invalid_size'],
    [{ category: 'tax_return', contentType: 'application/pdf', size: 10 }, 'invalid_category'],
    [{ category: 'RESUME', contentType: 'application/pdf', size: 10 }, 'invalid_category'],
    [{ category: '__proto__', contentType: 'application/pdf', size: 10 }, 'invalid_category'],
  ])('%j → %s', (declared, expected) => {
    const result = validateDeclaredUpload(declared, rules);
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });

  it('answers with the status of each problem and the canonical type when accepted', () => {
    const status = (declared: { category: string; contentType: string; size: number }) => {
      const result = validateDeclaredUpload(declared, rules);
      return result.ok ? result.contentType : result.status;
    };
    expect(status({ category: 'x', contentType: MIME.pdf, size: 1 })).toBe(400);
    expect(status({ category: 'resume', contentType: 'image/gif', size: 1 })).toBe(415);
    expect(status({ category: 'resume', contentType: MIME.pdf, size: 11 * MB })).toBe(413);
    expect(status({ category: 'resume', contentType: MIME.pdf, size: 0 })).toBe(400);
    expect(status({ category: 'csv_import', contentType: 'application/csv; charset=utf-8', size: 1 })).toBe(MIME.csv);
  });
});

describe('detected types', () => {
  it.each([
    // category, found in the bytes, declared (null: streamed upload, nothing declared), expected
    ['resume', MIME.pdf, MIME.pdf, null],
    ['resume', MIME.pdf, null, null],
    ['resume', MIME.docx, MIME.docx, null],
    ['resume', MIME.txt, 'text/plain; charset=utf-8', null],
    ['cover_letter', MIME.txt, null, null],
    ['logo', MIME.jpeg, 'image/jpg', null],
    ['logo', MIME.png, null, null],
    ['csv_import', MIME.csv, 'application/csv', null],
    ['resume', 'application/x-msdownload', MIME.pdf, 'content_mismatch'],
    ['resume', MIME.docx, MIME.pdf, 'content_mismatch'],
    ['resume', MIME.txt, MIME.pdf, 'content_mismatch'],
    ['resume', null, MIME.pdf, 'content_mismatch'],
    ['logo', MIME.jpeg, MIME.png, 'content_mismatch'],
    ['resume', 'application/x-msdownload', null, 'unsupported_type'],
    ['resume', 'application/zip', null, 'unsupported_type'],
    ['resume', MIME.png, null, 'unsupported_type'],
    ['resume', null, null, 'unsupported_type'],
    ['logo', 'image/svg+xml', null, 'unsupported_type'],
    ['csv_import', MIME.txt, null, 'unsupported_type'],
    ['tax_return', MIME.pdf, null, 'invalid_category'],
  ] as const)('%s: found %s, declared %s → %s', (category, detected, declared, expected) => {
    expect(checkDetectedType(category, detected, declared)?.code ?? null).toBe(expected);
  });

  it('maps problems to statuses, and a problem becomes the application error', () => {
    expect(checkDetectedType('resume', MIME.png)?.status).toBe(415);
    expect(checkDetectedType('resume', MIME.png, MIME.pdf)?.status).toBe(422);
    const error = problemError(checkDetectedType('resume', MIME.png)!);
    expect(error).toBeInstanceOf(AppError);
    expect([error.status, error.code]).toEqual([415, 'unsupported_type']);
  });
});
