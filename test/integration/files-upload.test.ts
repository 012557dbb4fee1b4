import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadPresigned, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { fakeExecutable, makePdf, PNG_1X1 } from '../helpers/documents.ts';

let t: TestApp;
let candidate: Session;
let other: Session;
let pdf: Uint8Array;

beforeAll(async () => {
  t = await startTestApp();
  candidate = await register(t, { role: 'candidate' });
  other = await register(t, { role: 'candidate' });
  pdf = await makePdf();
});
afterAll(async () => t?.close());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function fileCount(): Promise<number> {
  const row = await t.runtime.db.selectFrom('files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function blobCount(): Promise<number> {
  let n = 0;
  for await (const _ of t.runtime.store.list('')) n += 1;
  return n;
}

describe('streamed upload (POST /files)', () => {
  it('stores, hashes and scans a resume, then serves exactly the same bytes', async () => {
    const response = await uploadStreamed(t, candidate, { bytes: pdf, filename: 'Ada Lovelace — CV.pdf', category: 'resume' });
    expect(response.status).toBe(201);
    const file = await json(response);
    expect(file).toMatchObject({ category: 'resume', content_type: 'application/pdf', size: pdf.length, sha256: sha256(pdf), status: 'uploaded', owner_id: candidate.user.id, filename: 'Ada Lovelace — CV.pdf', version: 1 });
    expect(response.headers.get('x-request-id')).toBeTruthy();

    const scanned = await waitForScan(t, candidate, file.id);
    expect(scanned.status).toBe('clean');

    const content = await t.fetch(`/api/v1/files/${file.id}/content`, { headers: candidate.headers });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(content.headers.get('etag')).toBe(`"${sha256(pdf)}"`);
    expect(content.headers.get('content-disposition')).toContain("filename*=UTF-8''Ada%20Lovelace%20%E2%80%94%20CV.pdf");
  });

  it('refuses an executable named .pdf, an image as a resume, and an empty file, storing nothing', async () => {
    const [files, blobs] = [await fileCount(), await blobCount()];
    const exe = await uploadStreamed(t, candidate, { bytes: fakeExecutable(), filename: 'resume.pdf', category: 'resume', type: 'application/pdf' });
    expect(exe.status).toBe(415);
    expect((await json(exe)).code).toBe('unsupported_type');
    const png = await uploadStreamed(t, candidate, { bytes: PNG_1X1, filename: 'me.png', category: 'resume' });
    expect(png.status).toBe(415);
    const empty = await uploadStreamed(t, candidate, { bytes: new Uint8Array(0), filename: 'empty.txt', category: 'resume' });
    expect(empty.status).toBe(400);
    expect((await json(empty)).code).toBe('empty_file');
    expect(await fileCount()).toBe(files);
    expect(await blobCount()).toBe(blobs);
  });

  it('enforces the size limit while streaming, whatever the client declares', async () => {
    const [files, blobs] = [await fileCount(), await blobCount()];
    const big = Buffer.alloc(11 * 1024 * 1024, 'a'); // valid text, too large for a resume
    const response = await uploadStreamed(t, candidate, { bytes: big, filename: 'long.txt', category: 'resume' });
    expect(response.status).toBe(413);
    expect((await json(response)).code).toBe('file_too_large');

    // A chunked body with no Content-Length at all cannot get past it either.
    const boundary = 'vitae-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nresume\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n`;
    async function* chunked() {
      yield Buffer.from(head);
      for (let i = 0; i < 12; i += 1) yield Buffer.alloc(1024 * 1024, 'b');
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const stream = await t.fetch('/api/v1/files', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: ReadableStream.from(chunked()),
      duplex: 'half',
    } as RequestInit);
    expect(stream.status).toBe(413);
    expect(await fileCount()).toBe(files);
    expect(await blobCount()).toBe(blobs);
  });

  it('keeps the original name only as sanitized metadata', async () => {
    const cases: Array<[string, (name: string) => void]> = [
      ['../../etc/passwd.txt', (name) => expect(name).toBe('passwd.txt')],
      ['résumé\u202Efdp.exe.txt', (name) => expect(name).not.toMatch(/\u202E/)],
      [`${'a'.repeat(300)}.txt`, (name) => expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255)],
      ['CON.txt', (name) => expect(name.toUpperCase()).not.toBe('CON.TXT')],
      ['<script>.txt', (name) => expect(name).not.toMatch(/[<>]/)],
      ['nul\u0000byte.txt', (name) => expect(name).not.toContain('\u0000')],
    ];
    for (const [filename, check] of cases) {
      const response = await uploadStreamed(t, candidate, { bytes: Buffer.from('Plain text resume\n'), filename, category: 'resume' });
      expect(response.status, filename).toBe(201);
      const file = await json(response);
      check(file.filename);
      const version = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', file.id).executeTakeFirstOrThrow();
      expect(version.storage_key).toBe(`user-${candidate.user.id}/resume/${file.id}/1`);
    }
  });
});

describe('pre-signed upload (initiate → PUT → complete)', () => {
  it('ends in the same state as the streamed path', async () => {
    const { initiate, put, complete, fileId } = await uploadPresigned(t, candidate, { bytes: pdf, filename: 'cv.pdf', category: 'resume', type: 'application/pdf' });
    expect(initiate.status).toBe(201);
    expect(put?.ok).toBe(true);
    expect(complete?.status).toBe(200);
    expect(await json(complete!)).toMatchObject({ id: fileId, status: 'uploaded', sha256: sha256(pdf), size: pdf.length });
    expect((await waitForScan(t, candidate, fileId!)).status).toBe('clean');

    const again = await t.fetch('/api/v1/files/upload/complete', { method: 'POST', headers: { ...candidate.headers, 'content-type': 'application/json' }, body: JSON.stringify({ file_id: fileId }) });
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe('not_pending');
  });

  it('validates before signing: category, type and size', async () => {
    const initiate = (body: object) =>
      t.fetch('/api/v1/files/upload/initiate', { method: 'POST', headers: { ...candidate.headers, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'x.pdf', content_type: 'application/pdf', size: 1000, category: 'resume', ...body }) });
    expect((await initiate({ category: 'tax_return' })).status).toBe(400);
    expect((await initiate({ content_type: 'image/png' })).status).toBe(415);
    const tooBig = await initiate({ size: 11 * 1024 * 1024 });
    expect(tooBig.status).toBe(413);
    expect((await json(tooBig)).code).toBe('file_too_large');
    expect((await initiate({ size: 0 })).status).toBe(400);
  });

  it('deletes the object and answers 422 when the bytes are not what was declared', async () => {
    const { complete, fileId } = await uploadPresigned(t, candidate, { bytes: fakeExecutable(), filename: 'cv.pdf', category: 'resume', type: 'application/pdf' });
    expect(complete?.status).toBe(422);
    expect((await json(complete!)).code).toBe('content_mismatch');
    const version = await t.runtime.db.selectFrom('file_versions').select(['storage_key', 'status']).where('file_id', '=', fileId!).executeTakeFirstOrThrow();
    expect(version.status).toBe('pending_upload');
    expect(await t.runtime.store.exists(version.storage_key)).toBe(false);
  });

  it('refuses more bytes than declared (1 KB declared, 5 MB sent)', async () => {
    const initiate = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'cv.txt', content_type: 'text/plain', size: 1024, category: 'resume' }),
    });
    const { file_id, upload } = await json(initiate);
    const body = Buffer.alloc(5 * 1024 * 1024, 'x');
    const put = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'content-length': String(body.length) }, body }).catch(() => null);
    const complete = await t.fetch('/api/v1/files/upload/complete', { method: 'POST', headers: { ...candidate.headers, 'content-type': 'application/json' }, body: JSON.stringify({ file_id }) });
    if (put?.ok) {
      // A store that accepted the bytes (s3rver does not check signatures): complete catches it.
      expect(complete.status).toBe(422);
      expect((await json(complete)).code).toBe('size_mismatch');
    } else {
      expect(complete.status).toBe(409);
    }
    const version = await t.runtime.db.selectFrom('file_versions').select(['storage_key', 'status']).where('file_id', '=', file_id).executeTakeFirstOrThrow();
    expect(version.status).toBe('pending_upload');
    expect(await t.runtime.store.exists(version.storage_key)).toBe(false);
  });

  it('answers 404 when completing someone else’s upload', async () => {
    const initiate = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: pdf.length, category: 'resume' }),
    });
    const { file_id } = await json(initiate);
    const complete = await t.fetch('/api/v1/files/upload/complete', { method: 'POST', headers: { ...other.headers, 'content-type': 'application/json' }, body: JSON.stringify({ file_id }) });
    expect(complete.status).toBe(404);
  });

  it.runIf(process.env.VITAE_TEST_STORAGE === 's3')('signs S3 uploads with their length and type', async () => {
    const initiate = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 1234, category: 'resume' }),
    });
    const { upload } = await json(initiate);
    const signed = new URL(upload.url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signed.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type']));
  });
});
