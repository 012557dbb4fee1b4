// A process that starts the embedded PostgreSQL on the data dir given as its argument, writes a
// row, prints `ready reused=<true|false> <connection string>`, then waits: a SIGKILL leaves the
// server running (the kill -9 tests), a SIGTERM stops it cleanly.
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2]! });
const client = new pg.Client({ connectionString: server.connectionString });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS survivors (note text)');
await client.query("INSERT INTO survivors VALUES ('written before the crash')");
await client.end();
const idle = setInterval(() => {}, 60_000);
process.once('SIGTERM', () => {
  clearInterval(idle);
  void server.stop();
});
console.log(`ready reused=${server.reused} ${server.connectionString}`);
