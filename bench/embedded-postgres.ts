// The embedded PostgreSQL's lifecycle and write rate: first start (initdb + start + the `vitae`
// database), stop, restart, and committed single-row inserts with fsync on, from one connection
// and from several (whose commits share WAL flushes).
// Run: node bench/embedded-postgres.ts [--seconds 5] [--connections 8]
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '8' } } });
const seconds = Number(values.seconds);
const dir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-pg-'));
await chmod(dir, 0o755); // run as root, the server runs as the postgres user, which must enter it
const dataDir = path.join(dir, 'pg');

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label.padEnd(40)} ${Math.round(performance.now() - started)} ms`);
  return result;
}

/** Autocommitted single-row inserts, each acknowledged only once its WAL is flushed to disk. */
async function insertRate(url: string, connections: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const until = performance.now() + seconds * 1000;
  const counts = await Promise.all(
    clients.map(async (client) => {
      let count = 0;
      while (performance.now() < until) {
        await client.query('INSERT INTO bench_rows (note) VALUES ($1)', ['a row of a few bytes']);
        count++;
      }
      return count;
    }),
  );
  await Promise.all(clients.map((client) => client.end()));
  return counts.reduce((sum, count) => sum + count, 0) / seconds;
}

try {
  const first = await timed('first start (initdb, start, database)', () => startEmbeddedPostgres({ dataDir }));
  await timed('stop', () => first.stop());
  const server = await timed('restart', () => startEmbeddedPostgres({ dataDir }));
  try {
    const admin = new pg.Client({ connectionString: server.connectionString });
    await admin.connect();
    const { rows } = await admin.query<{ fsync: string; synchronous_commit: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
    );
    await admin.query('CREATE TABLE bench_rows (id bigserial PRIMARY KEY, note text NOT NULL)');
    await admin.end();
    console.log(`fsync=${rows[0]?.fsync} synchronous_commit=${rows[0]?.synchronous_commit}`);
    for (const connections of [1, Number(values.connections)]) {
      const rate = await insertRate(server.connectionString, connections);
      console.log(`${`single-row inserts, ${connections} connection(s)`.padEnd(40)} ${Math.round(rate)} rows/s`);
    }
  } finally {
    await server.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
