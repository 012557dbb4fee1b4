import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';
import { makePdf, PNG_1X1 } from '../helpers/documents.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { runVitae, startServe, type ServeHandle } from '../helpers/vitae-cli.ts';

/**
 * Backup and restore end to end, as an operator does them: data made through the real server,
 * `vitae backup` while it serves (and while uploads go on), the target wiped, `vitae restore`,
 * then the restored server serves every file byte for byte and its audit chains verify.
 */
interface Target {
  /** The environment of the original deployment. */
  env: Record<string, string>;
  /** Makes an empty target (a fresh data dir, or the database dropped and the bucket emptied) and returns its environment. */
  wipe(): Promise<Record<string, string>>;
  backupArgs: string[];
  /** What the restore warns about the secrets of the target. */
  secretWarnings: RegExp[];
  cleanup(): Promise<void>;
}

const account = { email: `backup-${randomBytes(4).toString('hex')}@example.test`, password: 'correct horse battery staple' };
const jwtSecret = { JWT_SECRET: randomBytes(32).toString('hex') };
const allSecrets = { ...jwtSecret, URL_SIGNING_SECRET: randomBytes(32).toString('hex'), WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex') };

async function embeddedLocal(root: string): Promise<Target> {
  let restores = 0;
  return {
    // JWT_SECRET is kept; the other secrets are generated into each data dir, so the restored one has others.
    env: { VITAE_DATA_DIR: path.join(root, 'original'), ...jwtSecret },
    wipe: async () => ({ VITAE_DATA_DIR: path.join(root, `restored-${++restores}`), ...jwtSecret }),
    backupArgs: [],
    secretWarnings: [/WARNING {2}URL_SIGNING_SECRET differs/, /WARNING {2}WEBHOOK_SECRETS_KEY differs/],
    cleanup: async () => {},
  };
}

async function systemS3(root: string, s3: S3rverHandle): Promise<Target> {
  const database = `vitae_backup_${randomBytes(4).toString('hex')}`;
  const bucket = `backup-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(SYSTEM_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const env = {
    DATABASE_URL: url.toString(),
    VITAE_RUN_WORKERS: 'true',
    VITAE_DATA_DIR: path.join(root, 'system-s3'),
    STORAGE_DRIVER: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    ...allSecrets,
  };
  return {
    env,
    wipe: async () => {
      await admin(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${database}`);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const object of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
      expect((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0).toBe(0);
      return env;
    },
    backupArgs: ['--copy-blobs'],
    secretWarnings: [],
    cleanup: async () => {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      client.destroy();
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

let root: string;
let s3: S3rverHandle;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'vitae-backup-'));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as `postgres` when the tests run as root
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

interface Uploaded {
  id: string;
  /** The bytes of each version, version 1 first. */
  versions: Buffer[];
}

class Client {
  token = '';
  private readonly server: ServeHandle;
  constructor(server: ServeHandle) {
    this.server = server;
  }

  headers() {
    return { authorization: `Bearer ${this.token}` };
  }

  async register(): Promise<void> {
    const response = await fetch(`${this.server.origin}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...account, name: 'Backup Test', role: 'recruiter', org_name: 'Backup Test' }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  async login(): Promise<void> {
    const response = await fetch(`${this.server.origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  async upload(category: string, filename: string, type: string, bytes: Buffer, fileId?: string): Promise<string> {
    const form = new FormData();
    if (!fileId) form.append('category', category);
    form.append('file', new Blob([bytes], { type }), filename);
    const response = await fetch(`${this.server.origin}/api/v1/files${fileId ? `/${fileId}/versions` : ''}`, {
      method: 'POST',
      headers: this.headers(),
      body: form,
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    const id = ((await response.json()) as { id?: string; file_id?: string }).id ?? fileId!;
    await this.waitClean(id);
    return id;
  }

  async waitClean(id: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const file = (await (await fetch(`${this.server.origin}/api/v1/files/${id}`, { headers: this.headers() })).json()) as { status: string };
      if (file.status === 'clean') return;
      if (file.status !== 'uploaded' && file.status !== 'scanning') throw new Error(`file ${id} ended ${file.status}`);
      if (Date.now() > deadline) throw new Error(`file ${id} was not scanned within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async listFiles(): Promise<Array<{ id: string; latest_version: number }>> {
    const response = await fetch(`${this.server.origin}/api/v1/files?limit=100`, { headers: this.headers() });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Array<{ id: string; latest_version: number }> }).items;
  }

  /** The bytes through the server (`/content`) and through the pre-signed URL (local `/blobs` or the bucket). */
  async download(id: string, version: number): Promise<{ streamed: Buffer; presigned: Buffer }> {
    const content = await fetch(`${this.server.origin}/api/v1/files/${id}/content?version=${version}`, { headers: this.headers() });
    expect(content.status).toBe(200);
    const signed = await fetch(`${this.server.origin}/api/v1/files/${id}/download?version=${version}`, { headers: this.headers() });
    expect(signed.status).toBe(200);
    const presigned = await fetch(((await signed.json()) as { url: string }).url);
    expect(presigned.status).toBe(200);
    return { streamed: Buffer.from(await content.arrayBuffer()), presigned: Buffer.from(await presigned.arrayBuffer()) };
  }
}

const csv = (rows: number) => Buffer.from(`name,token\n${Array.from({ length: rows }, (_, i) => `row${i},${randomBytes(24).toString('hex')}`).join('\n')}\n`);

describe.each([
  ['embedded PostgreSQL + local disk', (dir: string) => embeddedLocal(dir)],
  ['system PostgreSQL + S3', (dir: string) => systemS3(dir, s3)],
])('backup and restore: %s', (_name, makeTarget) => {
  let target: Target;
  let backupDir: string;
  const uploaded: Uploaded[] = [];

  beforeAll(async () => {
    target = await makeTarget(await mkdtemp(path.join(root, 'case-')));
    await chmod(path.dirname(target.env.VITAE_DATA_DIR!), 0o755);
    backupDir = path.join(path.dirname(target.env.VITAE_DATA_DIR!), 'backup');
  });
  afterAll(async () => target?.cleanup());

  it('backs up while the server serves and uploads go on, refuses a non-empty target, and restores a server that serves every file byte for byte', async () => {
    let server = await startServe(target.env);
    try {
      const client = new Client(server);
      await client.register();
      const pdf = Buffer.from(await makePdf());
      uploaded.push({ id: await client.upload('resume', 'resume.pdf', 'application/pdf', pdf), versions: [pdf] });
      uploaded.push({ id: await client.upload('logo', 'logo.png', 'image/png', PNG_1X1), versions: [PNG_1X1] });
      const first = csv(40_000); // ~2 MiB
      const second = csv(1_000);
      const sheet = await client.upload('csv_import', 'people.csv', 'text/csv', first);
      await client.upload('csv_import', 'people.csv', 'text/csv', second, sheet);
      uploaded.push({ id: sheet, versions: [first, second] });

      // Online: uploads continue while the backup runs. What they add may or may not be in the backup, but
      // whatever the restored database lists must be served whole.
      const during = (async () => {
        for (let i = 0; i < 5; i++) await client.upload('csv_import', `during-${i}.csv`, 'text/csv', csv(2_000));
      })();
      const backup = await runVitae(['backup', backupDir, ...target.backupArgs], target.env);
      await during;
      expect(backup.stderr).not.toMatch(/error/i);
      expect(backup.code, backup.stdout + backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/Backed up \d+ tables \(migration \d{4}_\w+, PostgreSQL \d+/);
      expect(backup.stdout).toMatch(/Copied \d+ blobs/);
    } finally {
      await server.stop();
    }

    const manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest.versions).toMatchObject({ vitae: expect.any(String), migration: expect.stringMatching(/^\d{4}_/), postgres: expect.any(String) });
    expect(manifest.tables.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['users', 'files', 'file_versions', 'audit_events', 'audit_chain_heads', 'job']),
    );
    expect(manifest.blobs.copied).toBe(true);

    // The original deployment still holds its data: a restore over it needs --force.
    const refused = await runVitae(['restore', backupDir], target.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing to restore over a database with Vitae tables/);

    const fresh = await target.wipe();
    const restored = await runVitae(['restore', backupDir], fresh);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`Restored ${manifest.blobs.count} blobs`));
    // The backup holds no secret, only their fingerprints: the restore says which ones the target lacks.
    expect(JSON.stringify(manifest)).not.toContain(jwtSecret.JWT_SECRET);
    if (target.secretWarnings.length === 0) expect(restored.stderr).not.toMatch(/WARNING/);
    for (const warning of target.secretWarnings) expect(restored.stderr).toMatch(warning);
    expect(restored.stderr).not.toMatch(/JWT_SECRET differs/);

    server = await startServe(fresh);
    try {
      const client = new Client(server);
      await client.login();
      const listed = await client.listFiles();
      for (const file of uploaded) expect(listed.map((f) => f.id)).toContain(file.id);
      for (const file of uploaded) {
        for (const [index, bytes] of file.versions.entries()) {
          const { streamed, presigned } = await client.download(file.id, index + 1);
          expect(streamed.equals(bytes), `${file.id} v${index + 1} through the server`).toBe(true);
          expect(presigned.equals(bytes), `${file.id} v${index + 1} through its pre-signed URL`).toBe(true);
        }
      }
      // The files uploaded during the backup that made it into the database are whole too.
      // The snapshot may have caught them before their scan ended: the restored deployment scans them.
      for (const file of listed.filter((f) => !uploaded.some((u) => u.id === f.id))) {
        await client.waitClean(file.id);
        const { streamed, presigned } = await client.download(file.id, file.latest_version);
        expect(streamed.length).toBeGreaterThan(0);
        expect(presigned.equals(streamed)).toBe(true);
      }
    } finally {
      await server.stop();
    }

    const audit = await runVitae(['audit', 'verify'], fresh);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    const chains = Number(/(\d+) chains, 0 broken/.exec(audit.stdout)?.[1]);
    expect(chains).toBeGreaterThan(0);

    // And the restored target is itself non-empty now: a second restore is refused as well.
    const again = await runVitae(['restore', backupDir], fresh);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Refusing to restore over a database with Vitae tables and a blob store with objects/);
  }, 600_000);

  it('checks every checksum: a changed table file stops the restore before it touches the target; a changed blob fails it', async () => {
    const fresh = await target.wipe();
    const table = path.join(backupDir, 'tables', 'public.files.gz');
    const original = await readFile(table);
    await writeFile(table, Buffer.concat([original, Buffer.from([0])]));
    const damaged = await runVitae(['restore', backupDir], fresh);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/tables\/public\.files\.gz does not match its checksum/);
    await writeFile(table, original);

    const blob = await firstFile(path.join(backupDir, 'blobs'));
    const bytes = await readFile(blob);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(blob, bytes);
    const corrupt = await runVitae(['restore', '--force', backupDir], fresh);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/FAILED .* the backup's copy does not match its checksum/);
    expect(corrupt.stderr).toMatch(/1 blobs were not restored/);
  }, 300_000);
});

async function firstFile(directory: string): Promise<string> {
  for (const entry of (await readdir(directory, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(directory, entry.name);
    if (entry.isFile()) return full;
    if (entry.isDirectory()) return firstFile(full);
  }
  throw new Error(`no file under ${directory}`);
}
