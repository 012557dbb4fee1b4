import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailable } from '../../src/errors.ts';
import { blobRoutes } from '../../src/http/routes/blobs.ts';
import { BlobExists, BlobNotFound, InvalidBlobKey, type BlobStore, type DownloadGrant } from '../../src/storage/blob-store.ts';
import { LocalBlobStore } from '../../src/storage/local.ts';
import { S3BlobStore } from '../../src/storage/s3.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';

const MB = 1024 * 1024;
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
// The S3 adapter takes credentials from the SDK's default chain, as in production.
process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;

interface Harness {
  store: BlobStore;
  close: () => Promise<void>;
}

const bytes = (text: string) => Readable.from([Buffer.from(text)]);
const read = async (stream: Readable) => (await buffer(stream)).toString();
/** Who the download URLs of these tests are for; the local route asks whether it still holds. */
const GRANT: DownloadGrant = { fileId: '0190a8f0-0000-7000-8000-000000000001', grantee: 'user:0190a8f0-0000-7000-8000-000000000002', orgId: null };
const ENDED_GRANTEES = new Set<string>();
const uniqueKey = (name = 'x') => `t-${randomBytes(6).toString('hex')}/resume/${name}`;

/** `total` bytes of a repeating pattern, generated chunk by chunk: never the whole body in memory. */
function generated(total: number, options: { failAfter?: number } = {}): Readable {
  const chunk = randomPattern();
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (options.failAfter !== undefined && sent >= options.failAfter) throw new Error('source failed');
        yield chunk.subarray(0, Math.min(chunk.length, total - sent));
      }
    })(),
  );
}
const PATTERN = randomBytes(MB);
const randomPattern = () => PATTERN;
function expectedDigest(total: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += PATTERN.length) hash.update(PATTERN.subarray(0, Math.min(PATTERN.length, total - sent)));
  return hash.digest('hex');
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Runs `work` while sampling the resident set size; returns how far the peak rose above the start.
 * V8 frees stream chunks (external memory) only after ~64 MB of them have accumulated, whatever the
 * object's size; a collection every 100 ms makes the peak the live memory, which streaming keeps flat.
 */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const collector = setInterval(gc, 100);
  try {
    await work();
  } finally {
    clearInterval(sampler);
    clearInterval(collector);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

const INVALID_KEYS = [
  '',
  '../x',
  'a/../../x',
  '/abs',
  'a//b',
  'a/./b',
  'a/.',
  '.hidden',
  'a/',
  'a\0b',
  'a\\b',
  'a b',
  'ä',
  'x'.repeat(256),
  `${'x'.repeat(200)}/${'y'.repeat(200)}/${'z'.repeat(111)}`,
];
/** The longest key: 512 characters. */
const LONGEST_KEY = `${'x'.repeat(200)}/${'y'.repeat(200)}/${'z'.repeat(110)}`;

/** One behaviour for every adapter: the services rely on nothing else. */
export function describeBlobStoreContract(name: string, factory: () => Promise<Harness>): void {
  describe(`${name} blob store contract`, () => {
    let harness: Harness;
    let store: BlobStore;
    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => harness?.close());

    it('puts, gets and heads an object', async () => {
      const key = uniqueKey();
      expect(await store.put(key, bytes('hello world'), { contentType: 'text/plain', contentLength: 11 })).toEqual({ size: 11 });
      expect(await read(await store.get(key))).toBe('hello world');
      const info = await store.head(key);
      expect(info).toMatchObject({ size: 11 });
      expect(info?.lastModified).toBeInstanceOf(Date);
      expect(info?.etag).toBeTruthy();
      expect(await store.exists(key)).toBe(true);
    });

    it('stores an empty object', async () => {
      const key = uniqueKey();
      expect(await store.put(key, Readable.from([]))).toEqual({ size: 0 });
      expect((await store.head(key))?.size).toBe(0);
      expect(await read(await store.get(key))).toBe('');
    });

    it('reads inclusive byte ranges', async () => {
      const key = uniqueKey();
      await store.put(key, bytes('abcdefghij'));
      expect(await read(await store.get(key, { start: 2, end: 5 }))).toBe('cdef');
      expect(await read(await store.get(key, { start: 9, end: 9 }))).toBe('j');
      expect(await read(await store.get(key, { start: 0, end: 9 }))).toBe('abcdefghij');
    });

    it('reports missing objects: get throws BlobNotFound, head is null, delete is idempotent', async () => {
      const key = uniqueKey();
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
      expect(await store.head(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
      await store.delete(key);
      await store.put(key, bytes('x'));
      await store.delete(key);
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
    });

    it('treats a prefix of existing keys as no object', async () => {
      const key = uniqueKey('deep');
      await store.put(`${key}/1`, bytes('x'));
      expect(await store.head(key)).toBeNull();
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
      await store.delete(key);
      expect(await store.exists(`${key}/1`)).toBe(true);
    });

    it('lists by prefix, recursively', async () => {
      const root = `t-${randomBytes(6).toString('hex')}`;
      const keys = [`${root}/a/1`, `${root}/a/2`, `${root}/a/b/3`, `${root}/ab/4`, `${root}/b/5`];
      for (const key of keys) await store.put(key, bytes(key));
      const list = async (prefix: string) => {
        const found = [];
        for await (const item of store.list(prefix)) found.push(item);
        return found.sort((x, y) => (x.key < y.key ? -1 : 1));
      };
      expect((await list(`${root}/a/`)).map((item) => item.key)).toEqual([`${root}/a/1`, `${root}/a/2`, `${root}/a/b/3`]);
      expect((await list(`${root}/a`)).map((item) => item.key)).toEqual([`${root}/a/1`, `${root}/a/2`, `${root}/a/b/3`, `${root}/ab/4`]);
      expect(await list(`${root}/zzz/`)).toEqual([]);
      const all = await list(`${root}/`);
      expect(all.map((item) => item.key)).toEqual(keys);
      expect(all[0]).toMatchObject({ size: keys[0]!.length });
      const everything = [];
      for await (const item of store.list('')) everything.push(item.key);
      expect(everything).toEqual(expect.arrayContaining(keys));
    });

    it('lists past one page of results', async () => {
      const root = `t-${randomBytes(6).toString('hex')}`;
      const keys = Array.from({ length: 1010 }, (_, i) => `${root}/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, bytes('.'))));
      let count = 0;
      for await (const _ of store.list(`${root}/`)) count += 1;
      expect(count).toBe(keys.length);
    });

    it('copies an object server-side', async () => {
      const from = uniqueKey('from');
      const to = `quarantine/${randomBytes(6).toString('hex')}/1`;
      await store.put(from, bytes('infected?'), { contentType: 'text/plain' });
      await store.copy(from, to);
      expect(await read(await store.get(to))).toBe('infected?');
      expect(await store.exists(from)).toBe(true);
      await expect(store.copy(uniqueKey('missing'), uniqueKey('target'))).rejects.toBeInstanceOf(BlobNotFound);
    });

    it('rejects every key that could escape or confuse the store', async () => {
      for (const key of INVALID_KEYS) {
        await expect(store.put(key, bytes('x')), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.head(key), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.copy(uniqueKey(), key), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.presignPut(key, { contentType: 'text/plain', contentLength: 1, expiresInSeconds: 60 }), key).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.presignGet(key, { grant: GRANT, expiresInSeconds: 60 }), key).rejects.toBeInstanceOf(InvalidBlobKey);
      }
      await expect(store.put(LONGEST_KEY, bytes('x'))).resolves.toEqual({ size: 1 });
      await store.delete(LONGEST_KEY);
    });

    it('leaves nothing behind when the source fails mid-stream (also past the first multipart part)', async () => {
      for (const [total, failAfter] of [
        [3 * MB, MB],
        [20 * MB, 10 * MB],
      ] as const) {
        const key = uniqueKey('broken');
        await expect(store.put(key, generated(total, { failAfter }))).rejects.toThrow('source failed');
        expect(await store.exists(key)).toBe(false);
        const prefix = key.slice(0, key.indexOf('/') + 1);
        for await (const item of store.list(prefix)) throw new Error(`left behind: ${item.key}`);
      }
    });

    it('round-trips a pre-signed PUT and a pre-signed GET over HTTP', async () => {
      const key = uniqueKey();
      const body = Buffer.from('%PDF-1.7 pretend resume');
      const put = await store.presignPut(key, { contentType: 'application/pdf', contentLength: body.length, expiresInSeconds: 300 });
      expect(put.method).toBe('PUT');
      expect(put.expiresAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
      expect(put.headers).toMatchObject({ 'content-type': 'application/pdf', 'content-length': String(body.length) });
      const uploaded = await fetch(put.url, { method: 'PUT', headers: put.headers, body });
      expect(uploaded.status, await uploaded.clone().text()).toBe(200);
      expect((await store.head(key))?.size).toBe(body.length);

      const disposition = `attachment; filename="cv.pdf"; filename*=UTF-8''Ada%20CV.pdf`;
      const get = await store.presignGet(key, { grant: GRANT, expiresInSeconds: 300, contentDisposition: disposition, contentType: 'application/pdf' });
      const downloaded = await fetch(get.url);
      expect(downloaded.status).toBe(200);
      expect(downloaded.headers.get('content-disposition')).toBe(disposition);
      expect(downloaded.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await downloaded.arrayBuffer()).equals(body)).toBe(true);
    });

    it('streams 200 MB in and out with flat memory', async () => {
      const key = uniqueKey('big');
      const total = 200 * MB;
      const growth = await peakRssGrowth(async () => {
        expect(await store.put(key, generated(total), { contentType: 'application/octet-stream', contentLength: total })).toEqual({ size: total });
        const hash = createHash('sha256');
        await pipeline(await store.get(key), hash);
        expect(hash.digest('hex')).toBe(expectedDigest(total));
      });
      expect((await store.head(key))?.size).toBe(total);
      await store.delete(key);
      expect(growth, `RSS grew by ${(growth / MB).toFixed(1)} MB`).toBeLessThan(64 * MB);
    });

    it('passes its readiness check', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Local disk, with its signed URLs served by the real route on a loopback port.

interface LocalHarness extends Harness {
  store: LocalBlobStore;
  root: string;
  url: string;
}

async function startLocal(): Promise<LocalHarness> {
  const root = await mkdtemp(path.join(tmpdir(), 'vitae-blobs-'));
  // The store's public URL must be known before the app starts, as in production.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const store = new LocalBlobStore({ root, publicUrl: url, signingSecret: randomBytes(32).toString('hex') });
  const app: FastifyInstance = Fastify();
  // Every key is open for upload here, and every grant holds but the ones ended below; the
  // services' rules (pending versions only, live files and accesses) are tested end to end.
  await app.register(blobRoutes, { store, acceptsUpload: async () => true, grantHolds: async (grant) => !ENDED_GRANTEES.has(grant.grantee) });
  await app.listen({ host: '127.0.0.1', port });
  return {
    store,
    root,
    url,
    async close() {
      await app.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

describeBlobStoreContract('local', startLocal);

describe('local blob store specifics', () => {
  let local: LocalHarness;
  beforeAll(async () => {
    local = await startLocal();
  });
  afterAll(async () => local?.close());

  it('keeps temp files inside the root and removes them on failure', async () => {
    await expect(local.store.put(uniqueKey(), generated(4 * MB, { failAfter: 2 * MB }))).rejects.toThrow('source failed');
    expect(await readdir(path.join(local.root, '.tmp'))).toEqual([]);
  });

  it('sweeps the temp files of writes cut short, only those idle since before the cutoff', async () => {
    const temp = path.join(local.root, '.tmp');
    await mkdir(temp, { recursive: true });
    const hourAgo = new Date(Date.now() - 3600_000);
    await writeFile(path.join(temp, 'abandoned.part'), 'half');
    await utimes(path.join(temp, 'abandoned.part'), hourAgo, hourAgo);
    await writeFile(path.join(temp, 'in-progress.part'), 'growing');
    expect(await local.store.sweepPartialWrites(new Date(Date.now() - 60_000))).toBe(1);
    expect(await readdir(temp)).toEqual(['in-progress.part']);
    expect(await local.store.sweepPartialWrites(new Date(Date.now() + 1000))).toBe(1);
    expect(await readdir(temp)).toEqual([]);
  });

  it('never replaces an object: a second put or copy to its key fails and the first bytes stay', async () => {
    const key = uniqueKey();
    await local.store.put(key, bytes('checked bytes'));
    await expect(local.store.put(key, bytes('other bytes!!'))).rejects.toBeInstanceOf(BlobExists);
    const other = uniqueKey();
    await local.store.put(other, bytes('another blob'));
    await expect(local.store.copy(other, key)).rejects.toBeInstanceOf(BlobExists);
    expect(await read(await local.store.get(key))).toBe('checked bytes');
    expect(await readdir(path.join(local.root, '.tmp'))).toEqual([]);
  });

  it('refuses a signed PUT to a key that already holds bytes, after reading the body', async () => {
    const key = uniqueKey();
    await local.store.put(key, bytes('first'));
    const signed = await local.store.presignPut(key, { contentType: 'text/plain', contentLength: 5, expiresInSeconds: 60 });
    const response = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'other' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe('upload_closed');
    expect(await read(await local.store.get(key))).toBe('first');
  });

  describe('signed URL route', () => {
    const body = Buffer.from('exactly these bytes');
    const presignPut = (key: string, length = body.length) =>
      local.store.presignPut(key, { contentType: 'text/plain', contentLength: length, expiresInSeconds: 60 });

    async function expectProblem(response: Response, status: number, code: string) {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
    }

    it('points signed URLs at /blobs/<key> with an expiry and an HMAC', async () => {
      const key = uniqueKey();
      const url = new URL((await presignPut(key)).url);
      expect(url.origin).toBe(local.url);
      expect(url.pathname).toBe(`/blobs/${key}`);
      expect(url.searchParams.get('expires')).toMatch(/^\d+$/);
      expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses tampered signatures, keys, lengths and types with 403', async () => {
      const key = uniqueKey();
      const put = await presignPut(key);
      const tampered = new URL(put.url);
      tampered.searchParams.set('signature', '0'.repeat(64));
      await expectProblem(await fetch(tampered, { method: 'PUT', headers: put.headers, body }), 403, 'invalid_signature');
      const otherKey = new URL(put.url);
      otherKey.pathname = otherKey.pathname.replace(/x$/, 'y');
      await expectProblem(await fetch(otherKey, { method: 'PUT', headers: put.headers, body }), 403, 'invalid_signature');
      const longer = new URL(put.url);
      longer.searchParams.set('len', String(body.length + 100));
      await expectProblem(
        await fetch(longer, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(body.length + 100) }),
        403,
        'invalid_signature',
      );
      const later = new URL(put.url);
      later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 3600));
      await expectProblem(await fetch(later, { method: 'PUT', headers: put.headers, body }), 403, 'invalid_signature');
      await expectProblem(await fetch(put.url, { method: 'PUT', headers: { ...put.headers, 'content-type': 'text/html' }, body }), 403, 'invalid_signature');
      expect(await local.store.exists(key)).toBe(false);
    });

    it('refuses expired URLs with 403 url_expired', async () => {
      const key = uniqueKey();
      const put = await local.store.presignPut(key, { contentType: 'text/plain', contentLength: body.length, expiresInSeconds: -1 });
      await expectProblem(await fetch(put.url, { method: 'PUT', headers: put.headers, body }), 403, 'url_expired');
      await local.store.put(key, bytes('x'));
      const get = await local.store.presignGet(key, { grant: GRANT, expiresInSeconds: -1 });
      await expectProblem(await fetch(get.url), 403, 'url_expired');
    });

    it('serves a download URL only while its grant holds (404 after), and refuses an edited grantee (403)', async () => {
      const key = uniqueKey();
      await local.store.put(key, bytes('shared resume'));
      const grant = { ...GRANT, grantee: `user:${randomBytes(4).toString('hex')}`, orgId: 'org-a' };
      const get = await local.store.presignGet(key, { grant, expiresInSeconds: 60 });
      const url = new URL(get.url);
      expect([url.searchParams.get('file'), url.searchParams.get('grantee'), url.searchParams.get('org')]).toEqual([grant.fileId, grant.grantee, 'org-a']);
      expect(await (await fetch(get.url)).text()).toBe('shared resume');
      for (const [name, value] of [
        ['grantee', GRANT.grantee],
        ['org', 'org-b'],
        ['file', '0190a8f0-0000-7000-8000-0000000000ff'],
      ]) {
        const edited = new URL(get.url);
        edited.searchParams.set(name!, value!);
        await expectProblem(await fetch(edited), 403, 'invalid_signature');
      }
      const withoutGrant = new URL(get.url);
      for (const name of ['file', 'grantee', 'org']) withoutGrant.searchParams.delete(name);
      await expectProblem(await fetch(withoutGrant), 403, 'invalid_signature');
      ENDED_GRANTEES.add(grant.grantee);
      await expectProblem(await fetch(get.url), 404, 'not_found');
      expect((await fetch(get.url, { method: 'HEAD' })).status).toBe(404);
    });

    it('refuses a URL used with another method', async () => {
      const key = uniqueKey();
      const put = await presignPut(key);
      await expectProblem(await fetch(put.url), 403, 'invalid_signature');
      await local.store.put(key, bytes('stored'));
      const get = await local.store.presignGet(key, { grant: GRANT, expiresInSeconds: 60 });
      await expectProblem(await fetch(get.url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body }), 403, 'invalid_signature');
      expect(await read(await local.store.get(key))).toBe('stored');
    });

    it('refuses a declared length other than the signed one, storing nothing', async () => {
      const key = uniqueKey();
      const put = await presignPut(key);
      const longer = await rawPut(put.url, { 'content-type': 'text/plain', 'content-length': String(5 * MB) }, generated(5 * MB));
      expect(longer.status).toBe(413);
      expect(JSON.parse(longer.body)).toMatchObject({ code: 'size_mismatch' });
      const shorter = await fetch(put.url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: body.subarray(1) });
      await expectProblem(shorter, 400, 'size_mismatch');
      expect(await local.store.exists(key)).toBe(false);
    });

    it('cuts off a chunked body longer than signed with 413, storing nothing', async () => {
      const key = uniqueKey();
      const put = await presignPut(key);
      const response = await rawPut(put.url, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }, generated(5 * MB));
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'size_mismatch' });
      expect(await local.store.exists(key)).toBe(false);
      expect(await readdir(path.join(local.root, '.tmp'))).toEqual([]);
    });

    it('drops the partial file when the client disconnects mid-upload', async () => {
      const key = uniqueKey();
      const put = await presignPut(key, 10 * MB);
      const target = new URL(put.url);
      await new Promise<void>((resolve) => {
        const request = httpRequest(target, { method: 'PUT', headers: put.headers });
        request.on('error', () => resolve());
        request.write(Buffer.alloc(MB));
        setTimeout(() => request.destroy(), 100);
      });
      await expect.poll(async () => readdir(path.join(local.root, '.tmp'))).toEqual([]);
      expect(await local.store.exists(key)).toBe(false);
    });

    it('serves ranges (206), refuses ranges past the end (416), answers HEAD, and 404 for a missing object', async () => {
      const key = uniqueKey();
      await local.store.put(key, bytes('abcdefghijklmnopqrstuvwxyz'));
      const get = await local.store.presignGet(key, { grant: GRANT, expiresInSeconds: 60, contentType: 'text/plain' });
      const ranged = await fetch(get.url, { headers: { range: 'bytes=2-5' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe('bytes 2-5/26');
      expect(await ranged.text()).toBe('cdef');
      const suffix = await fetch(get.url, { headers: { range: 'bytes=-3' } });
      expect(await suffix.text()).toBe('xyz');
      const beyond = await fetch(get.url, { headers: { range: 'bytes=40-' } });
      await expectProblem(beyond, 416, 'range_not_satisfiable');
      expect(beyond.headers.get('content-range')).toBe('bytes */26');
      const head = await fetch(get.url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('26');
      expect(head.headers.get('etag')).toBe((await local.store.head(key))?.etag);
      await local.store.delete(key);
      await expectProblem(await fetch(get.url), 404, 'not_found');
    });
  });
});

/** A PUT through node:http, which (unlike fetch) reports an answer that arrives before the body is sent. */
function rawPut(url: string, headers: Record<string, string>, body: Readable): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(url), { method: 'PUT', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', (error) => (request.writableEnded ? undefined : reject(error)));
    body.on('error', () => request.destroy());
    body.pipe(request);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// S3, against s3rver on loopback.

let s3rver: S3rverHandle | undefined;
async function s3Endpoint(): Promise<string> {
  s3rver ??= await startS3rver();
  return s3rver.endpoint;
}
afterAll(async () => s3rver?.stop());

async function startS3(settings: { sse?: 'AES256' | 'aws:kms' | 'none'; kmsKeyId?: string } = {}): Promise<Harness & { store: S3BlobStore; bucket: string }> {
  const endpoint = await s3Endpoint();
  const bucket = `vitae-${randomBytes(5).toString('hex')}`;
  const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  const store = new S3BlobStore({
    driver: 's3',
    bucket,
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    sse: settings.sse ?? 'AES256',
    maxAttempts: 3,
    ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
  });
  return { store, bucket, close: () => store.close() };
}

describeBlobStoreContract('s3', () => startS3());

describe('S3 blob store specifics', () => {
  it('sweeps partial writes on a store that cannot list multipart uploads without failing', async () => {
    // s3rver answers ListMultipartUploads with NotImplemented, as some S3-compatible stores do.
    const { store, bucket, close } = await startS3();
    const admin = new S3Client({ endpoint: await s3Endpoint(), region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
    try {
      await expect(admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NotImplemented' });
      expect(await store.sweepPartialWrites(new Date())).toBe(0);
    } finally {
      admin.destroy();
      await close();
    }
  });

  it('signs Content-Type, Content-Length and the SSE header into a pre-signed PUT', async () => {
    const { store, bucket, close } = await startS3();
    try {
      const key = uniqueKey();
      const put = await store.presignPut(key, { contentType: 'application/pdf', contentLength: 1234, expiresInSeconds: 900 });
      const url = new URL(put.url);
      expect(url.pathname).toBe(`/${bucket}/${key}`);
      const signed = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
      expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host', 'x-amz-server-side-encryption']));
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      // No checksum of an empty body: real S3 would refuse the upload.
      expect([...url.searchParams.keys()].some((name) => name.toLowerCase().includes('checksum'))).toBe(false);
      expect(put.headers).toEqual({ 'content-type': 'application/pdf', 'content-length': '1234', 'x-amz-server-side-encryption': 'AES256' });
    } finally {
      await close();
    }
  });

  it('sends the KMS key id with aws:kms', async () => {
    const { store, close } = await startS3({ sse: 'aws:kms', kmsKeyId: 'alias/vitae' });
    try {
      const put = await store.presignPut(uniqueKey(), { contentType: 'text/plain', contentLength: 1, expiresInSeconds: 60 });
      expect(put.headers).toMatchObject({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'alias/vitae' });
      const signed = new URL(put.url).searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
      expect(signed).toEqual(expect.arrayContaining(['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id']));
    } finally {
      await close();
    }
  });

  it('describes the bucket for the doctor, tolerating what s3rver does not implement', async () => {
    const { store, close } = await startS3();
    try {
      const info = await store.describeBucket();
      expect(info.exists).toBe(true);
      expect(info.encryption === null || typeof info.encryption === 'string').toBe(true);
      expect(info.publicAccessBlocked === null || typeof info.publicAccessBlocked === 'boolean').toBe(true);
      const missing = new S3BlobStore({
        driver: 's3',
        bucket: 'no-such-bucket',
        region: 'us-east-1',
        endpoint: await s3Endpoint(),
        forcePathStyle: true,
        sse: 'AES256',
        maxAttempts: 1,
      });
      expect(await missing.describeBucket()).toEqual({ exists: false, encryption: null, publicAccessBlocked: null });
      await expect(missing.check()).rejects.toBeInstanceOf(StorageUnavailable);
      await missing.close();
    } finally {
      await close();
    }
  });

  it('fails fast with StorageUnavailable when the endpoint is down', async () => {
    const port = await freePort(); // nothing listens there any more
    const store = new S3BlobStore(
      { driver: 's3', bucket: 'down', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, sse: 'AES256', maxAttempts: 2 },
      { requestTimeoutMs: 1_000 },
    );
    try {
      const started = Date.now();
      await expect(store.check()).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.head('a/b')).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.get('a/b')).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.put('a/b', bytes('x'))).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.delete('a/b')).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(
        (async () => {
          for await (const _ of store.list('a/')) break;
        })(),
      ).rejects.toBeInstanceOf(StorageUnavailable);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await store.close();
    }
  });
});
