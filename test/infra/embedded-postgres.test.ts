import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEmbeddedConnection, startEmbeddedPostgres } from '../../src/db/embedded.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-embedded-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

it('initializes a cluster on first start, listens on loopback with a generated password, and keeps data across restarts', async () => {
  const dataDir = path.join(dir, 'fresh', 'pg');
  const first = await startEmbeddedPostgres({ dataDir });
  try {
    expect(first.reused).toBe(false);
    expect(first.connectionString).toMatch(/^postgres:\/\/vitae:[^@]{20,}@127\.0\.0\.1:\d+\/vitae$/);
    expect((await query(first.connectionString, 'SHOW listen_addresses'))[0].listen_addresses).toBe('127.0.0.1');
    expect((await query(first.connectionString, 'SHOW fsync'))[0].fsync).toBe('on');
    expect((await query(first.connectionString, 'SELECT version()'))[0].version).toMatch(/PostgreSQL 17/);
    await query(first.connectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    expect((await stat(`${dataDir}.credentials.json`)).mode & 0o777).toBe(0o600);
    const wrongPassword = first.connectionString.replace(/:[^:@]+@/, ':wrong@');
    await expect(query(wrongPassword, 'SELECT 1')).rejects.toThrow(/password/);
  } finally {
    await first.stop();
  }
  const second = await startEmbeddedPostgres({ dataDir });
  try {
    expect((await query(second.connectionString, 'SELECT v FROM kept'))[0].v).toBe('still here');
  } finally {
    await second.stop();
  }
});

it('recovers after its parent was killed with kill -9, adopting the server left running', async () => {
  const dataDir = path.join(dir, 'crash', 'pg');
  const child = spawn(process.execPath, ['test/helpers/embedded-pg-child.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));

  // The postgres server outlived its parent; a worker can still find it.
  expect(await readEmbeddedConnection(dataDir)).not.toBeNull();
  const next = await startEmbeddedPostgres({ dataDir });
  try {
    expect(next.reused).toBe(true);
    expect((await query(next.connectionString, 'SELECT note FROM survivors'))[0].note).toBe('written before the crash');
  } finally {
    await next.stop();
  }
  expect(await readEmbeddedConnection(dataDir)).toBeNull();
  const again = await startEmbeddedPostgres({ dataDir });
  await again.stop();
});

it('refuses to start a second server on a data directory another live process runs', async () => {
  const dataDir = path.join(dir, 'shared', 'pg');
  const child = spawn(process.execPath, ['test/helpers/embedded-pg-child.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/Another Vitae process/);
    expect(await readEmbeddedConnection(dataDir)).not.toBeNull();
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const cleanup = await startEmbeddedPostgres({ dataDir });
    await cleanup.stop();
  }
});
