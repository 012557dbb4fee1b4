import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startS3rver } from '../helpers/s3rver.ts';
import { startServe } from '../helpers/serve-child.ts';

let dir: string;
let s3: { endpoint: string; stop(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-doctor-'));
  await chmod(dir, 0o755);
  s3 = await startS3rver();
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await client.send(new CreateBucketCommand({ Bucket: 'doctor-bucket' }));
  client.destroy();
});
afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

function doctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return cli(['doctor', ...args], env);
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli.ts', ...args], { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, LOG_LEVEL: 'silent', ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it('passes against the embedded default', async () => {
  const result = await doctor({ VITAE_DATA_DIR: path.join(dir, 'embedded') });
  expect(result.output).toMatch(/PASS\s+database\s+PostgreSQL 17/);
  expect(result.output).toMatch(/PASS\s+blob store round trip/);
  expect(result.code).toBe(0);
}, 60_000);

it('checks the database and the audit trail of a running server, and again once it has stopped', async () => {
  const env = { VITAE_DATA_DIR: path.join(dir, 'beside-serve') };
  const server = await startServe(env);
  try {
    const checked = await doctor(env);
    expect(checked.output).toMatch(/PASS\s+database\s+PostgreSQL 17/);
    expect(checked.output).toMatch(/PASS\s+blob store round trip/);
    expect(checked.output).not.toMatch(/FAIL/);
    expect(checked.code).toBe(0);
    const verified = await cli(['audit', 'verify'], { ...env, LOG_LEVEL: 'silent' });
    expect(verified.output).toMatch(/\d+ chains, 0 broken/);
    expect(verified.code).toBe(0);
    // The server still serves: its database was attached to, not taken over or stopped.
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  const alone = await doctor(env);
  expect(alone.output).toMatch(/PASS\s+database\s+PostgreSQL 17/);
  expect(alone.code).toBe(0);
  const verifiedAlone = await cli(['audit', 'verify'], { ...env, LOG_LEVEL: 'silent' });
  expect(verifiedAlone.output).toMatch(/\d+ chains, 0 broken/);
  expect(verifiedAlone.code).toBe(0);
}, 120_000);

const s3Env = (bucket: string) => ({
  VITAE_DATA_DIR: path.join(dir, 's3'),
  STORAGE_DRIVER: 's3',
  S3_BUCKET: bucket,
  S3_ENDPOINT: s3.endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
});

it('checks the bucket on S3, and fails clearly when it does not exist', async () => {
  const ok = await doctor(s3Env('doctor-bucket'));
  expect(ok.output).toMatch(/PASS\s+blob store round trip/);
  expect(ok.output).toMatch(/PASS\s+bucket exists/);
  // s3rver reports no default encryption: doctor says so (Vitae still asks for SSE on every write).
  expect(ok.output).toMatch(/default encryption/);
  const missing = await doctor(s3Env('no-such-bucket'));
  expect(missing.code).toBe(1);
  expect(missing.output).toMatch(/FAIL\s+(bucket exists|blob store round trip)/);
  expect(missing.output).toMatch(/does not exist|NoSuchBucket|unavailable/i);
}, 90_000);
