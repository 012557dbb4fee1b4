// Starts Vitae the way a user does (`npm start`: `node bin/vitae.js serve`, its own process), so that a benchmark's
// client never shares the server's event loop and the server's memory can be read on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { readEmbeddedConnection } from '../../src/db/embedded.ts';

export interface VitaeProcess {
  origin: string;
  /** `${origin}/api/v1` */
  base: string;
  /** The registered recruiter (an organization admin): their credentials and access token. */
  account: { email: string; password: string };
  auth: { authorization: string };
  user: { id: string; org_id: string };
  pid: number;
  dataDir: string;
  /** A connection to Vitae's database (embedded or system), for seeding. */
  database: pg.Client;
  /** Resident memory of the server process now (from /proc). */
  rss(): Promise<number>;
  /** Samples the server's RSS every 10 ms until `stop()` is called; returns the peak. */
  sampleRss(): { stop(): Promise<number> };
  stop(): Promise<void>;
}

export interface StartOptions {
  /** `embedded` (the default: Vitae starts its own PostgreSQL) or `system` (a new database on 127.0.0.1:5432). */
  db?: 'embedded' | 'system';
  env?: Record<string, string>;
  /** Node.js options before the entry (by default those of `npm start`: `--max-semi-space-size=8`). */
  nodeFlags?: string[];
  /** The CLI to run: `bin/vitae.js` (the default, as `npm start` runs it: dist/ when built and fresh) or `src/cli.ts` (the sources). */
  entry?: string;
}

/** The Node.js options `npm start` passes (package.json). */
export const NPM_START_FLAGS = ['--max-semi-space-size=8'];

const SYSTEM_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export async function startVitae(options: StartOptions = {}): Promise<VitaeProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-'));
  await chmod(dataDir, 0o755);
  const port = 18000 + Math.floor(Math.random() * 1000);
  const origin = `http://127.0.0.1:${port}`;

  let systemDatabase: string | null = null;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    VITAE_ALLOW_NO_ANTIVIRUS: 'true',
    LOG_LEVEL: 'warn',
    VITAE_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'),
    PORT: String(port),
    PUBLIC_URL: origin,
    RATE_LIMIT_AUTH_PER_IP: '100000',
    RATE_LIMIT_AUTH_PER_ACCOUNT: '100000',
    ...options.env,
  };
  if (options.db === 'system') {
    systemDatabase = `vitae_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${systemDatabase}`);
    env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${systemDatabase}`;
    env.VITAE_RUN_WORKERS ??= 'true';
  }

  const child = spawn(process.execPath, [...(options.nodeFlags ?? NPM_START_FLAGS), options.entry ?? 'bin/vitae.js', 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealth(origin, child);

  // The password policy refuses one that contains the email's name ("bench").
  const account = { email: 'bench@example.test', password: 'quiet lantern orbit 42' };
  const response = await fetch(`${origin}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, name: 'Bench', role: 'recruiter', org_name: 'Bench' }),
  });
  if (response.status !== 201) throw new Error(`registering the benchmark's account answered ${response.status}: ${await response.text()}`);
  const registered = (await response.json()) as { access_token: string; user: { id: string; org_id: string } };

  const databaseUrl = env.DATABASE_URL ?? (await readEmbeddedConnection(path.join(dataDir, 'pg')))?.connectionString;
  if (!databaseUrl) throw new Error('the embedded PostgreSQL is not reachable');
  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();

  const rss = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return {
    origin,
    base: `${origin}/api/v1`,
    account,
    auth: { authorization: `Bearer ${registered.access_token}` },
    user: registered.user,
    pid: child.pid!,
    dataDir,
    database,
    rss,
    sampleRss() {
      let peak = 0;
      let running = true;
      const loop = (async () => {
        while (running) {
          peak = Math.max(peak, await rss());
          await sleep(10);
        }
      })();
      return {
        async stop() {
          running = false;
          await loop;
          return peak;
        },
      };
    },
    async stop() {
      await database.end();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (systemDatabase) await adminQuery(`DROP DATABASE ${systemDatabase} WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vitae serve exited with ${child.exitCode}`);
    const ok = await fetch(`${origin}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('vitae serve did not become healthy within 3 minutes');
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: SYSTEM_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
