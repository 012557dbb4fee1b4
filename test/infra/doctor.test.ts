import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startS3rver } from '../helpers/s3rver.ts';
import { makePdf } from '../helpers/documents.ts';
import { startServe, type ServeChild } from '../helpers/serve-child.ts';

let dir: string;
let s3: { endpoint: string; stop(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-doctor-'));
  await chmod(dir, 0o755);
  s3 = await startS3rver();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
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
    const child = spawn(process.execPath, ['bin/vitae.js', ...args], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, LOG_LEVEL: 'silent', ...env },
    });
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
}, 480_000);

/** A candidate's resumes uploaded through the API, each scanned clean: their file ids. */
async function uploadResumes(server: ServeChild, count: number): Promise<string[]> {
  const post = (route: string, init: RequestInit) => fetch(`${server.baseUrl}/api/v1${route}`, { method: 'POST', ...init });
  const registered = await post('/auth/register', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'doctor@example.test', password: 'correct horse battery staple', name: 'Test Person', role: 'candidate' }),
  });
  expect(registered.status).toBe(201);
  const headers = { authorization: `Bearer ${((await registered.json()) as { access_token: string }).access_token}` };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const form = new FormData();
    form.append('category', 'resume');
    form.append('file', new Blob([Buffer.from(await makePdf([`Resume ${i}`]))], { type: 'application/pdf' }), `cv-${i}.pdf`);
    const uploaded = await post('/files', { headers, body: form });
    expect(uploaded.status).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };
    // Scanned first: the scan itself re-checks the bytes and would quarantine the ones changed below.
    for (let status = ''; status !== 'clean';) {
      status = ((await (await fetch(`${server.baseUrl}/api/v1/files/${id}`, { headers })).json()) as { status: string }).status;
      expect(['uploaded', 'scanning', 'clean']).toContain(status);
      if (status !== 'clean') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    ids.push(id);
  }
  return ids;
}

it('re-hashes stored files with --verify-blobs and names those changed or removed on disk', async () => {
  const env = { VITAE_DATA_DIR: path.join(dir, 'verify-blobs') };
  const server = await startServe(env);
  try {
    const [changed, removed, intact] = await uploadResumes(server, 3);
    const all = await doctor(env, ['--verify-blobs=all']);
    expect(all.output).toMatch(/PASS\s+stored blobs\s+3 of 3 committed file versions re-hashed: all match/);
    expect(all.code).toBe(0);

    // The attack: bytes changed (same length) and removed on the disk, behind Vitae's back.
    const blobs = path.join(env.VITAE_DATA_DIR, 'blobs');
    const stored = (await readdir(blobs, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
    const blobOf = (id: string) => stored.find((file) => file.includes(`/${id}/`))!;
    const bytes = await readFile(blobOf(changed!));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2);
    await writeFile(blobOf(changed!), bytes);
    await rm(blobOf(removed!));

    for (const args of [['--verify-blobs=all'], ['--verify-blobs']]) {
      const found = await doctor(env, args);
      expect(found.output).toMatch(/FAIL\s+stored blobs\s+3 of 3 committed file versions re-hashed.*: 2 do not match/);
      expect(found.output).toMatch(new RegExp(`FAIL\\s+blob ${changed} v1\\s+its bytes no longer match the SHA-256`));
      expect(found.output).toMatch(new RegExp(`FAIL\\s+blob ${removed} v1\\s+missing from the store`));
      expect(found.output).not.toContain(intact);
      expect(found.code).toBe(1);
    }
    expect((await doctor(env, ['--verify-blobs=0'])).code).toBe(2);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 480_000);

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
