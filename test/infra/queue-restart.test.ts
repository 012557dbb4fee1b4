import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';
import { createPgBossQueue } from '../../src/queue/queue.ts';

const name = `vitae_q_${randomBytes(5).toString('hex')}`;
const url = Object.assign(new URL(SYSTEM_PG_ADMIN_URL), { pathname: `/${name}` }).toString();
const admin = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
const db = new pg.Pool({ connectionString: url, max: 2 });
// DROP DATABASE … WITH (FORCE) at the end terminates whatever is still connected: expected, not an error.
db.on('error', () => {});

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await db.query('CREATE TABLE attempts (key text, mode text, at timestamptz DEFAULT now()); CREATE TABLE effects (key text PRIMARY KEY)');
});
afterAll(async () => {
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

function start(mode: 'enqueue' | 'work', variant?: 'heartbeat'): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(process.execPath, ['test/helpers/queue-child.ts', mode, url, ...(variant ? [variant] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const output = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/working|done/.test(text)) resolve(text);
    });
    child.on('exit', () => resolve(text));
  });
  return { child, output };
}

it('a job survives a kill -9 of its worker and takes effect exactly once', async () => {
  const first = start('enqueue');
  expect(await first.output).toContain('working');
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const second = start('work');
  try {
    // The job was active when its worker died; once it has expired, pg-boss retries it (with its backoff).
    expect(await second.output).toContain('done');
    const attempts = await db.query<{ mode: string }>('SELECT mode FROM attempts ORDER BY at');
    expect(attempts.rows.map((row) => row.mode)).toEqual(['enqueue', 'work']);
    const effects = await db.query('SELECT key FROM effects');
    expect(effects.rows).toEqual([{ key: 'job-1' }]);
  } finally {
    second.child.kill('SIGKILL');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }
}, 170_000);

it('retries the job of a worker that died while another worker runs, within a minute, by its heartbeat', async () => {
  await db.query('TRUNCATE attempts, effects');
  const first = start('enqueue', 'heartbeat');
  let survivor: ReturnType<typeof start> | undefined;
  try {
    expect(await first.output).toContain('working');
    survivor = start('work', 'heartbeat');
    // The job's expiry is an hour away: only the missing heartbeats reveal the death.
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(await survivor.output).toContain('done');
    // The bound promised to operators (heartbeat 20 s + supervisor 15 s + backoff), not a speed measurement.
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const attempts = await db.query<{ mode: string }>('SELECT mode FROM attempts ORDER BY at');
    expect(attempts.rows.map((row) => row.mode)).toEqual(['enqueue', 'work']);
  } finally {
    for (const { child } of survivor ? [first, survivor] : [first]) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  }
}, 170_000);

it('tells a live worker from a dead one: only jobs of processes that are gone may be retried at start-up', async () => {
  const queue = createPgBossQueue(url, [{ name: 'test.effect', retryLimit: 5, retryDelay: 1, retryDelayMax: 2, expireInSeconds: 2 }]);
  await queue.start();
  const other = start('work');
  try {
    // Its instance is registered once it works.
    for (let i = 0; i < 100 && !(await queue.othersMayBeWorking()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await queue.othersMayBeWorking()).toBe(true);
    other.child.kill('SIGKILL');
    await new Promise((resolve) => other.child.once('exit', resolve));
    // Its registry row still reads as live (it missed no heartbeat yet), but its process is gone.
    expect(await queue.othersMayBeWorking()).toBe(false);
  } finally {
    if (other.child.exitCode === null && other.child.signalCode === null) other.child.kill('SIGKILL');
    await queue.stop();
  }
}, 60_000);
