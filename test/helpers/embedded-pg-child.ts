// A process that starts the embedded PostgreSQL, writes a row, prints its connection string and
// then waits to be killed (the kill -9 test).
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2]! });
const client = new pg.Client({ connectionString: server.connectionString });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS survivors (note text)');
await client.query("INSERT INTO survivors VALUES ('written before the crash')");
await client.end();
console.log(`ready ${server.connectionString}`);
setInterval(() => {}, 60_000);
