import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadPresigned, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { EICAR, fakeExecutable, makePdf, PNG_1X1 } from '../helpers/documents.ts';
import { LocalBlobStore } from '../../src/storage/local.ts';
import { stagingKey } from '../../src/services/files/keys.ts';
import { verifyStoredBlobs, type BlobProblem } from '../../src/services/files/blob-integrity.ts';

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

/** Overwrites a stored object outside Vitae (the local store itself refuses to). */
async function replaceStoredBytes(key: string, bytes: Uint8Array): Promise<void> {
  const store = t.runtime.store;
  if (store instanceof LocalBlobStore) await writeFile(path.join(store.root, key), bytes);
  else {
    await store.delete(key);
    await store.put(key, Readable.from([Buffer.from(bytes)]));
  }
}

async function fileCount(): Promise<number> {
  const row = await t.runtime.db
    .selectFrom('files')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
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
    expect(file).toMatchObject({
      category: 'resume',
      content_type: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      status: 'uploaded',
      owner_id: candidate.user.id,
      filename: 'Ada Lovelace — CV.pdf',
      version: 1,
    });
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
    });
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
    const { initiate, put, complete, fileId } = await uploadPresigned(t, candidate, {
      bytes: pdf,
      filename: 'cv.pdf',
      category: 'resume',
      type: 'application/pdf',
    });
    expect(initiate.status).toBe(201);
    expect(put?.ok).toBe(true);
    expect(complete?.status).toBe(200);
    expect(await json(complete!)).toMatchObject({ id: fileId, status: 'uploaded', sha256: sha256(pdf), size: pdf.length });
    expect((await waitForScan(t, candidate, fileId!)).status).toBe('clean');

    const again = await t.fetch('/api/v1/files/upload/complete', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id: fileId }),
    });
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe('not_pending');
  });

  it('validates before signing: category, type and size', async () => {
    const initiate = (body: object) =>
      t.fetch('/api/v1/files/upload/initiate', {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'x.pdf', content_type: 'application/pdf', size: 1000, category: 'resume', ...body }),
      });
    expect((await initiate({ category: 'tax_return' })).status).toBe(400);
    expect((await initiate({ content_type: 'image/png' })).status).toBe(415);
    const tooBig = await initiate({ size: 11 * 1024 * 1024 });
    expect(tooBig.status).toBe(413);
    expect((await json(tooBig)).code).toBe('file_too_large');
    expect((await initiate({ size: 0 })).status).toBe(400);
  });

  it('deletes the object and answers 422 when the bytes are not what was declared', async () => {
    const { complete, fileId } = await uploadPresigned(t, candidate, {
      bytes: fakeExecutable(),
      filename: 'cv.pdf',
      category: 'resume',
      type: 'application/pdf',
    });
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
    // The refusal must be readable by Node's fetch, which is still sending when it arrives.
    const put = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'content-length': String(body.length) }, body });
    if (process.env.VITAE_TEST_STORAGE === 'local') {
      expect(put.status).toBe(413);
      expect((await json(put)).code).toBe('size_mismatch');
    }
    const complete = await t.fetch('/api/v1/files/upload/complete', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id }),
    });
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

  it('refuses a JSON body over the limit with a 413 that Node’s fetch can read', async () => {
    const response = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'x.pdf', padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await json(response)).code).toBeTruthy();
  });

  it('never lets a replayed upload URL change bytes that were checked and scanned', async () => {
    const original = await makePdf();
    const initiate = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: original.length, category: 'resume' }),
    });
    const { file_id, upload } = await json(initiate);
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.from(original) })).ok).toBe(true);
    const complete = await t.fetch('/api/v1/files/upload/complete', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id }),
    });
    expect(complete.status).toBe(200);
    expect((await waitForScan(t, candidate, file_id)).status).toBe('clean');

    // The attack: other bytes of the same length, PUT again to the same (still valid) URL.
    const hostile = Buffer.alloc(original.length, 0x41);
    hostile.write(EICAR);
    const replay = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: hostile });
    if (process.env.VITAE_TEST_STORAGE === 'local') {
      expect(replay.status).toBe(409);
      expect((await json(replay)).code).toBe('upload_closed');
    } // On S3 the bucket answers; the PUT lands on a staging key that nothing reads any more.

    const served = await t.fetch(`/api/v1/files/${file_id}/content`, { headers: candidate.headers });
    expect(served.status).toBe(200);
    expect(sha256(new Uint8Array(await served.arrayBuffer()))).toBe(sha256(original));
    expect(await json(await t.fetch(`/api/v1/files/${file_id}`, { headers: candidate.headers }))).toMatchObject({ status: 'clean', sha256: sha256(original) });
  });

  it('refuses a replayed upload URL after the file was erased: the erased bytes do not come back', async () => {
    const original = await makePdf();
    const { initiate, complete, fileId } = await uploadPresigned(t, candidate, {
      bytes: original,
      filename: 'cv.pdf',
      category: 'resume',
      type: 'application/pdf',
    });
    expect(complete?.status).toBe(200);
    const { upload } = await json(initiate);
    const version = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', fileId!).executeTakeFirstOrThrow();
    await waitForScan(t, candidate, fileId!);
    expect((await t.fetch(`/api/v1/files/${fileId}?hard=true`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);

    const replay = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.from(original) });
    if (process.env.VITAE_TEST_STORAGE === 'local') expect(replay.status).toBe(409);
    expect(await t.runtime.store.exists(version.storage_key)).toBe(false);
  });

  describe.each([
    ['soft-deleted', ''],
    ['erased', '?hard=true'],
  ])('an upload URL whose file was %s before its bytes arrived', (_how, query) => {
    async function initiate() {
      const response = await t.fetch('/api/v1/files/upload/initiate', {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: pdf.length, category: 'resume' }),
      });
      expect(response.status).toBe(201);
      const { file_id, upload } = await json(response);
      return { fileId: file_id as string, upload: upload as { url: string; headers: Record<string, string> } };
    }
    const remove = async (fileId: string) =>
      expect((await t.fetch(`/api/v1/files/${fileId}${query}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    /** Every key a pre-signed PUT for this file could have written (the version's own, and S3's staging key). */
    const uploadKeys = async (fileId: string) => {
      const { storage_key } = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', fileId).executeTakeFirstOrThrow();
      return [storage_key, stagingKey(fileId, 1)];
    };
    const anyStored = async (keys: string[]) => (await Promise.all(keys.map((key) => t.runtime.store.exists(key)))).some(Boolean);

    it('is refused, and nothing it sends is kept', async () => {
      const { fileId, upload } = await initiate();
      await remove(fileId);
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.from(pdf) });
      if (process.env.VITAE_TEST_STORAGE === 'local') {
        expect(put.status).toBe(409);
        expect(put.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect((await json(put)).code).toBe('upload_closed');
      } else {
        // The bucket itself answers a pre-signed PUT: the scheduled sweep of staged uploads removes what it wrote.
        await t.services.maintenance.sweepStagedUploads();
      }
      expect(await anyStored(await uploadKeys(fileId))).toBe(false);
      const complete = await t.fetch('/api/v1/files/upload/complete', {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ file_id: fileId }),
      });
      expect(complete.status).toBe(404);
    });

    it('loses the bytes that arrived before the deletion once the file is erased', async () => {
      const { fileId, upload } = await initiate();
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.from(pdf) })).ok).toBe(true);
      // The sweep leaves alone an upload that is still waiting for its `complete`.
      await t.services.maintenance.sweepStagedUploads();
      expect(await anyStored(await uploadKeys(fileId))).toBe(true);
      await remove(fileId);
      if (query === '')
        await t.services.maintenance.purgeDeletedFiles(new Date(Date.now() + (t.runtime.config.retention.softDeleteGraceDays + 1) * 24 * 3600 * 1000));
      expect(await anyStored(await uploadKeys(fileId))).toBe(false);
    });
  });

  it('refuses, at the scan, stored bytes that differ from the ones checked at upload', async () => {
    const original = await makePdf();
    const response = await uploadStreamed(t, candidate, { bytes: original, filename: 'cv.pdf', category: 'resume' });
    const file = await json(response);
    expect((await waitForScan(t, candidate, file.id)).status).toBe('clean');
    const { storage_key } = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', file.id).executeTakeFirstOrThrow();
    // Bytes changed behind Vitae's back (on the disk or in the bucket), then a rescan.
    const changed = Buffer.from(original);
    changed.writeUInt8(changed.readUInt8(changed.length - 2) ^ 0xff, changed.length - 2);
    await replaceStoredBytes(storage_key, changed);
    await t.services.scanPipeline.scanVersion(file.id, 1, { rescan: true });
    const after = await json(await t.fetch(`/api/v1/files/${file.id}`, { headers: candidate.headers }));
    expect(after).toMatchObject({ status: 'rejected' });
    expect((await t.fetch(`/api/v1/files/${file.id}/content`, { headers: candidate.headers })).status).not.toBe(200);
  });

  it('finds, when stored files are re-hashed, bytes changed or removed in the store', async () => {
    const [changed, removed] = await Promise.all(
      [1, 2].map(
        async (n) =>
          (await json(await uploadStreamed(t, candidate, { bytes: await makePdf([`Resume ${n}`]), filename: 'cv.pdf', category: 'resume' }))).id as string,
      ),
    );
    for (const id of [changed!, removed!]) expect((await waitForScan(t, candidate, id)).status).toBe('clean');
    const keyOf = async (id: string) =>
      (await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', id).executeTakeFirstOrThrow()).storage_key;
    const ours = (problems: BlobProblem[]) =>
      problems.filter((p) => p.fileId === changed || p.fileId === removed).map(({ fileId, problem }) => ({ fileId, problem }));
    expect(ours((await verifyStoredBlobs(t.runtime, 'all')).problems)).toEqual([]);

    const bytes = await buffer(await t.runtime.store.get(await keyOf(changed!)));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2);
    await replaceStoredBytes(await keyOf(changed!), bytes);
    await t.runtime.store.delete(await keyOf(removed!));
    const verification = await verifyStoredBlobs(t.runtime, 'all');
    expect(verification.checked).toBe(verification.total);
    expect(ours(verification.problems)).toEqual(
      expect.arrayContaining([
        { fileId: changed, problem: 'sha256 mismatch' },
        { fileId: removed, problem: 'missing' },
      ]),
    );
    expect(ours(verification.problems)).toHaveLength(2);
  });

  it('answers 404 when completing someone else’s upload', async () => {
    const initiate = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: pdf.length, category: 'resume' }),
    });
    const { file_id } = await json(initiate);
    const complete = await t.fetch('/api/v1/files/upload/complete', {
      method: 'POST',
      headers: { ...other.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id }),
    });
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
