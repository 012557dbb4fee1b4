import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';
import { startServe } from '../helpers/vitae-cli.ts';

/**
 * The image's entrypoint, run outside a container (none can run here) the way the image runs it:
 * no arguments means `serve`, secrets come from *_FILE variables, and `healthcheck` answers the
 * HEALTHCHECK from GET /healthz.
 */
const entrypoint = path.resolve('docker/entrypoint.sh');
const database = `vitae_entrypoint_${randomBytes(4).toString('hex')}`;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'vitae-entrypoint-'));
  await chmod(root, 0o755);
  await admin(`CREATE DATABASE ${database}`);
});
afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await rm(root, { recursive: true, force: true });
});

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(entrypoint, args, { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it('serves by default with its secrets read from files, and its healthcheck follows /healthz', async () => {
  const url = new URL(SYSTEM_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const secret = async (name: string, value: string) => {
    const file = path.join(root, name);
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return file;
  };
  const env = {
    NODE_ENV: 'production',
    VITAE_ALLOW_NO_ANTIVIRUS: 'true',
    LOG_LEVEL: 'warn',
    VITAE_DATA_DIR: path.join(root, 'data'),
    DATABASE_URL_FILE: await secret('database_url', url.toString()),
    JWT_SECRET_FILE: await secret('jwt_secret', randomBytes(32).toString('hex')),
    URL_SIGNING_SECRET_FILE: await secret('url_signing_secret', randomBytes(32).toString('hex')),
    WEBHOOK_SECRETS_KEY_FILE: await secret('webhook_secrets_key', randomBytes(32).toString('hex')),
  };
  const server = await startServe(env, [entrypoint]);
  const port = new URL(server.origin).port;
  try {
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await run(['healthcheck'], { PORT: port })).code).toBe(0);

    // DATABASE_URL came from its file: the schema is in that database, not in an embedded one.
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM vitae_migrations');
      expect(rows[0]!.count).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
  expect((await run(['healthcheck'], { PORT: port })).code).toBe(1);
}, 240_000);

it('refuses a secret given both ways, and a secret file it cannot read', async () => {
  const both = await run(['serve'], { JWT_SECRET: 'x'.repeat(32), JWT_SECRET_FILE: path.join(root, 'jwt_secret'), VITAE_DATA_DIR: path.join(root, 'data') });
  expect(both.code).toBe(2);
  expect(both.stderr).toMatch(/set JWT_SECRET or JWT_SECRET_FILE, not both/);
  const missing = await run(['serve'], { JWT_SECRET_FILE: path.join(root, 'no-such-file'), VITAE_DATA_DIR: path.join(root, 'data') });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/JWT_SECRET_FILE names .*no-such-file, which cannot be read/);
});
