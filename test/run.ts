// `npm test`: checks what the suites need before any of them starts, then runs Vitest and the
// browser tests (Playwright). Arguments go to Vitest (`npm test -- --project unit`); with any,
// only Vitest runs.
//
// Without a PostgreSQL on 127.0.0.1:5432 (and no TEST_SYSTEM_PG_URL), the external-database
// combination gets a second embedded PostgreSQL of its own, started here and stopped at the end —
// also when the run is interrupted — so that only ClamAV and Chromium need installing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { stopOnExit, stopPostgresUnder } from './helpers/abort-cleanup.ts';

const CLAMD = '/usr/sbin/clamd';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const vitestArgs = process.argv.slice(2);
const withBrowser = vitestArgs.length === 0;

const missing = [
  !existsSync(CLAMD) && `ClamAV's clamd (${CLAMD}) — install it: sudo apt-get install clamav-daemon`,
  withBrowser && !existsSync(CHROMIUM) && `Chromium (${CHROMIUM}, or set CHROMIUM_PATH) — install it: sudo apt-get install chromium`,
  withBrowser && !existsSync('web/dist/index.html') && 'the built web app (web/dist) — build it: npm run build',
].filter((line): line is string => typeof line === 'string');
if (missing.length > 0) {
  for (const line of missing) console.error(`npm test needs ${line}`);
  console.error('(`bash .ci/run` installs and starts everything the tests need on Debian or Ubuntu, as root.)');
  process.exit(1);
}

const env = { ...process.env };
let fallback: { server: EmbeddedPostgres; dir: string } | null = null;
let current: ReturnType<typeof spawn> | null = null;
let interrupted = false;

async function cleanUp(): Promise<void> {
  const started = fallback;
  fallback = null;
  if (started) {
    await started.server.stop().catch(() => undefined);
    await rm(started.dir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    current?.kill(signal);
  });
}

if (!env.TEST_SYSTEM_PG_URL && !(await listens('127.0.0.1', 5432))) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitae-second-pg-'));
  await chmod(dir, 0o755); // as root, the server runs as the postgres user, which must enter it
  console.log('npm test: no PostgreSQL on 127.0.0.1:5432; the external-database suites use a second embedded PostgreSQL.');
  // Also stopped when this process ends another way (an error, an interruption while it starts).
  stopOnExit(() => stopPostgresUnder(dir));
  fallback = { server: await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') }), dir };
  env.TEST_SYSTEM_PG_URL = fallback.server.urlFor('postgres');
}

let status = 130;
try {
  if (!interrupted) status = await run('npx', ['vitest', 'run', ...vitestArgs]);
  if (withBrowser && !interrupted) status = (await run('npx', ['playwright', 'test'])) || status;
} finally {
  await cleanUp();
}
process.exit(interrupted ? 130 : status);

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    current = spawn(command, args, { stdio: 'inherit', env });
    current.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    current.on('error', () => resolve(1));
  });
}

function listens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
