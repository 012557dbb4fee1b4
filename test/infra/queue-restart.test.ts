import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';

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

function start(mode: 'enqueue' | 'work'): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(process.execPath, ['test/helpers/queue-child.ts', mode, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const output = new Promise<string>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
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
