import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalBlobStore } from '../../src/storage/local.ts';
import { S3BlobStore } from '../../src/storage/s3.ts';
import type { BlobStore } from '../../src/storage/blob-store.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { runVitae } from '../helpers/vitae-cli.ts';

/**
 * `vitae migrate-storage`, local → S3 → local, as an operator runs it: every version, the
 * quarantine and staged uploads, a run stopped midway and resumed, a wrong object already in the
 * target replaced, a run again that copies nothing, and every byte compared at the end.
 */
let root: string;
let s3: S3rverHandle;
const bucket = 'migrate-storage';
// The S3 adapter takes credentials from the SDK's default chain, as in production.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
const originals = new Map<string, Buffer>();

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'vitae-migrate-storage-'));
  await chmod(root, 0o755);
  s3 = await startS3rver({ buckets: [bucket] });
});
afterAll(async () => {
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

const s3Env = () => ({
  S3_BUCKET: bucket,
  S3_ENDPOINT: s3.endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
});
const s3Store = () => new S3BlobStore({ driver: 's3', bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, sse: 'none', maxAttempts: 1 });
const localStore = (dataDir: string) => new LocalBlobStore({ root: path.join(dataDir, 'blobs'), publicUrl: 'http://localhost', signingSecret: 'x'.repeat(32) });

async function keysOf(store: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const { key } of store.list('')) keys.push(key);
  return keys.sort();
}

it('copies every object local → S3 → local, stopped midway and resumed, each verified by sha256', async () => {
  const first = path.join(root, 'first');
  const source = localStore(first);
  const org = `org-${randomBytes(4).toString('hex')}`;
  for (let file = 0; file < 6; file++) {
    for (let version = 1; version <= 2; version++) originals.set(`${org}/resume/file-${file}/${version}`, randomBytes(1000 + file * 3000 + version));
  }
  originals.set('quarantine/file-q/1', randomBytes(5000));
  originals.set('staging/file-s/1', randomBytes(64));
  originals.set(`${org}/csv_import/big/1`, randomBytes(9 * 1024 * 1024 + 17)); // more than one 8 MiB part on S3
  for (const [key, bytes] of originals) await source.put(key, Readable.from([bytes]));

  const toS3 = { VITAE_DATA_DIR: first, ...s3Env() };
  const partial = await runVitae(['migrate-storage', '--to', 's3', '--limit', '5'], toS3);
  expect(partial.code, partial.stdout + partial.stderr).toBe(0);
  expect(partial.stdout).toMatch(/Copied 5 objects/);
  expect(partial.stdout).toMatch(/Stopped after 5 objects/);
  const target = s3Store();
  const afterPartial = await keysOf(target);
  expect(afterPartial).toHaveLength(5);

  // An earlier copy that went wrong: the key holds other bytes of the same size. It must be replaced, not skipped.
  const wrongKey = [...originals.keys()].sort().find((key) => !afterPartial.includes(key))!;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: wrongKey, Body: randomBytes(originals.get(wrongKey)!.length) }));
  client.destroy();

  const resumed = await runVitae(['migrate-storage', '--to', 's3'], toS3);
  expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  expect(resumed.stdout).toMatch(
    new RegExp(`Copied ${originals.size - 5} objects .* 1 of them replacing different bytes; 5 already there with the same sha256`),
  );
  expect(resumed.stderr).toMatch(/objects: \d+ done/);

  const again = await runVitae(['migrate-storage', '--to', 's3'], toS3);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`Copied 0 objects .*; ${originals.size} already there with the same sha256`));

  expect(await keysOf(target)).toEqual([...originals.keys()].sort());
  for (const [key, bytes] of originals) expect((await buffer(await target.get(key))).equals(bytes), key).toBe(true);

  // Back again: Vitae on S3 now, into a fresh local root.
  const second = path.join(root, 'second');
  const back = await runVitae(['migrate-storage', '--to', 'local'], { VITAE_DATA_DIR: second, STORAGE_DRIVER: 's3', ...s3Env() });
  expect(back.code, back.stdout + back.stderr).toBe(0);
  expect(back.stdout).toMatch(new RegExp(`Copied ${originals.size} objects .* from s3 to local`));
  const local = localStore(second);
  expect(await keysOf(local)).toEqual([...originals.keys()].sort());
  for (const [key, bytes] of originals) expect((await buffer(await local.get(key))).equals(bytes), key).toBe(true);
  await target.close();
}, 300_000);

it('refuses a target that is the current store', async () => {
  const result = await runVitae(['migrate-storage', '--to', 'local'], { VITAE_DATA_DIR: path.join(root, 'first') });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/STORAGE_DRIVER is already local/);
});
