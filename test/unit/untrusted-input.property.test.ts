// Property tests (fast-check) for the parsers that read what clients and uploaded files send:
// for any input they answer within their contract and never throw anything else.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { contentDisposition, sanitizeFilename } from '../../src/domain/filename.ts';
import { checkPdf } from '../../src/scan/active-content/index.ts';
import { inspectZip, isUnsafeEntryName } from '../../src/scan/active-content/zip.ts';
import { parseRange } from '../../src/services/files/files.ts';
import { InvalidBlobKey } from '../../src/storage/blob-store.ts';
import { assertValidKey } from '../../src/storage/keys.ts';

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom(...'./\\.. \u0000\u202e\u200bCONaux:*?"<>|é') }),
);

describe('Range headers', () => {
  // Empty files and tiny ones are where off-by-one answers hide.
  const size = fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 1_000_000 }));
  const header = fc.oneof(
    anyText,
    fc.tuple(fc.option(fc.nat({ max: 2_000_000 })), fc.option(fc.nat({ max: 2_000_000 }))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
    fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([a, b, c]) => `bytes=${a}-${b},${c}-`),
  );

  it('answer a range within the file, unsatisfiable or none, for any header', () => {
    fc.assert(
      fc.property(header, size, (value, length) => {
        const range = parseRange(value, length);
        if (range === null || range === 'unsatisfiable') return;
        expect(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end)).toBe(true);
        expect(0 <= range.start && range.start <= range.end && range.end < length).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('serve exactly the bytes asked for', () => {
    fc.assert(
      fc.property(
        size.filter((length) => length > 0),
        fc.nat(),
        fc.nat(),
        (length, a, b) => {
          const start = a % length;
          const end = start + (b % (length - start));
          expect(parseRange(`bytes=${start}-${end}`, length)).toEqual({ start, end });
          expect(parseRange(`bytes=${start}-`, length)).toEqual({ start, end: length - 1 });
          const suffix = (b % length) + 1;
          expect(parseRange(`bytes=-${suffix}`, length)).toEqual({ start: length - suffix, end: length - 1 });
          expect(parseRange(`bytes=${length + a}-`, length)).toBe('unsatisfiable');
        },
      ),
    );
  });
});

describe('filenames', () => {
  it('sanitize any name into a safe one, and a safe name stays as it is', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const name = sanitizeFilename(raw);
        expect(name.length).toBeGreaterThan(0);
        expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(255);
        expect(name.isWellFormed()).toBe(true);
        expect(name).not.toMatch(
          /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f\u2028\u2029\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/,
        );
        expect(name).not.toMatch(/^[.\s]|[.\s]$/u);
        expect(name).not.toMatch(/^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])\s*(\..*)?$/i);
        expect(sanitizeFilename(name)).toBe(name);
      }),
    );
  });

  it('put any name in a Content-Disposition header that cannot break the header and carries the name exactly', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const name = sanitizeFilename(raw);
        const header = contentDisposition(name);
        expect(header).toMatch(/^[\x20-\x7e]+$/);
        const fallback = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]*)$/.exec(header);
        expect(fallback).not.toBeNull();
        expect(decodeURIComponent(fallback![2]!)).toBe(name);
      }),
    );
  });
});

describe('blob keys', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/);

  it('accept only keys that stay inside the store, whatever is asked', () => {
    const root = '/srv/blobs';
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.array(fc.oneof(segment, fc.constantFrom('', '.', '..', '~', ' ')), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')),
        ),
        (key) => {
          try {
            assertValidKey(key);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidBlobKey);
            return;
          }
          expect(path.posix.normalize(key)).toBe(key);
          expect(path.posix.join(root, key).startsWith(`${root}/`)).toBe(true);
          expect(path.win32.normalize(key).replaceAll('\\', '/')).toBe(key);
        },
      ),
    );
  });

  it('accept every key made of valid segments up to the length limit', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (parts) => {
        const key = parts.join('/');
        if (key.length <= 512) expect(() => assertValidKey(key)).not.toThrow();
        else expect(() => assertValidKey(key)).toThrow(InvalidBlobKey);
      }),
    );
  });
});

/** A small PDF whose catalog carries `title` as a literal string and whose one stream carries `data`. */
function pdf(options: { title?: string; catalogExtra?: string; data?: Buffer }): Buffer {
  const data = options.data ?? Buffer.from('BT /F1 12 Tf (Hello) Tj ET');
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${options.title === undefined ? '' : `/Title (${options.title})`} ${options.catalogExtra ?? ''} >>\nendobj\n` +
        `2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length ${data.length} >>\nstream\n`,
      'latin1',
    ),
    data,
    Buffer.from('\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}

/** A PDF literal string holding `text`: backslashes and parentheses escaped. */
const literal = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
const nameLike = fc.string({ unit: fc.constantFrom(...'/JavaScript JS Launch OpenAction AA URI EmbeddedFile XFA Encrypt ()<>[]{}%#\\\n\r\t'.split('')) });

describe('the PDF lexer', () => {
  it('reads names in strings and stream data as text, never as actions', () => {
    fc.assert(
      fc.property(fc.oneof(nameLike, fc.string({ unit: 'binary' })), fc.uint8Array({ maxLength: 300 }), (title, data) => {
        const bytes = Buffer.from(data);
        // Stream data that holds a ZIP signature or the stream's end is another case (polyglots, truncation).
        fc.pre(!bytes.includes('PK') && !bytes.includes('endstream'));
        expect(checkPdf(pdf({ title: literal(title), data: Buffer.concat([Buffer.from('/JavaScript /Launch /EmbeddedFile '), bytes]) }))).toBeNull();
      }),
    );
  });

  it('finds /JavaScript however its letters are escaped as #xx', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), (escape) => {
        const name = [...'JavaScript'].map((c, i) => (escape[i] ? `#${c.charCodeAt(0).toString(16)}` : c)).join('');
        expect(checkPdf(pdf({ catalogExtra: `/OpenAction << /S /${name} /JS (app.alert(1)) >>` }))?.reason).toBe('pdf_javascript');
      }),
    );
  });

  it('answers a finding or nothing for any bytes, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.oneof(nameLike, fc.string({ unit: 'binary' })), (data, noise) => {
        const finding = checkPdf(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(data), Buffer.from(noise, 'latin1'), Buffer.from('\n%%EOF')]));
        if (finding !== null) expect(typeof finding.reason).toBe('string');
      }),
    );
  });
});

async function zipOf(entries: Array<{ name: string; bytes: Uint8Array; compress: boolean }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.bytes), entry.name, { compress: entry.compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const entryName = fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,12}$/), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const entries = fc.uniqueArray(fc.record({ name: entryName, bytes: fc.uint8Array({ maxLength: 200 }), compress: fc.boolean() }), {
  selector: (entry) => entry.name,
  minLength: 1,
  maxLength: 6,
});

describe('the ZIP inspector', () => {
  it('accepts well-formed archives and lists their entries', async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        fc.pre(!list.some((entry) => /\.(zip|jar|docx|xlsx|gz|tar|7z|rar|epub)$/i.test(entry.name)));
        const inspection = await inspectZip(await zipOf(list));
        expect(inspection.problem).toBeNull();
        expect(inspection.entries.map((entry) => entry.name)).toEqual(list.map((entry) => entry.name));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an entry name that climbs out, wherever it is in the archive', async () => {
    const unsafe = fc.constantFrom('../', '/', 'C:', '..\\', 'a\\');
    await fc.assert(
      fc.asyncProperty(entries, fc.nat(), unsafe, async (list, pick, prefix) => {
        const target = list[pick % list.length]!;
        // Names yazl refuses get in by patching same-length placeholders in both headers.
        const placeholder = `${'q'.repeat(prefix.length)}${target.name}`;
        fc.pre(list.every((entry) => entry === target || !entry.name.includes(placeholder)));
        const zip = await zipOf(list.map((entry) => (entry === target ? { ...entry, name: placeholder } : entry)));
        const evil = `${prefix}${target.name}`;
        expect(isUnsafeEntryName(evil)).toBe(true);
        const patched = Buffer.from(zip);
        for (let at = patched.indexOf(placeholder, 0, 'latin1'); at !== -1; at = patched.indexOf(placeholder, at + 1, 'latin1'))
          patched.write(evil, at, 'latin1');
        const inspection = await inspectZip(patched);
        expect(inspection.problem).toBe('zip_path_traversal');
      }),
      { numRuns: 50 },
    );
  });

  it('answers truncated or corrupted archives with a verdict, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        entries,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat()),
        async (list, flips, cut) => {
          const zip = Buffer.from(await zipOf(list));
          for (const [at, value] of flips) zip[at % zip.length] = value;
          const damaged = cut === null ? zip : zip.subarray(0, cut % zip.length);
          const inspection = await inspectZip(damaged);
          expect(inspection.problem === null || typeof inspection.problem === 'string').toBe(true);
          expect(inspection.entries.length).toBeLessThanOrEqual(list.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
