// Backup and restore throughput: `createBackup` and `restoreBackup` (what `vitae backup` and
// `vitae restore` run) on the embedded PostgreSQL and local disk, with ~1 GB of blobs (random
// bytes, so gzip or the page cache's dedup cannot flatter it) and a database of a few thousand
// rows. Beside them, the floor: the same blobs copied file by file with a plain `fs.cp`, then
// `sync` (a backup and a restore fsync every file, so the floor is a durable copy too). Every
// step starts with nothing left to write back (`sync` before it), so none pays for another's writes.
// Prints MB/s (blob bytes over wall time), peak RSS and the load average before and after.
// Run: node bench/backup.ts [--blobs 200] [--size-mb 5]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createBackup } from '../src/services/backup/backup.ts';
import { restoreBackup } from '../src/services/backup/restore.ts';
import { LocalBlobStore } from '../src/storage/local.ts';

const { values } = parseArgs({ options: { blobs: { type: 'string', default: '200' }, 'size-mb': { type: 'string', default: '5' } } });
const MB = 1024 * 1024;
const count = Number(values.blobs);
const size = Number(values['size-mb']) * MB;

const dir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-backup-'));
await chmod(dir, 0o755);
const store = (name: string) =>
  new LocalBlobStore({ root: path.join(dir, name), publicUrl: 'http://127.0.0.1', signingSecret: randomBytes(32).toString('hex') });
const secrets = {
  jwtSecret: randomBytes(32).toString('hex'),
  urlSigningSecret: randomBytes(32).toString('hex'),
  webhookSecretsKey: randomBytes(32).toString('hex'),
};
const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

try {
  const db = createDb(embedded.connectionString, 2);
  await migrateToLatest(db, secrets);
  await db.destroy();
  const client = new pg.Client({ connectionString: embedded.connectionString });
  await client.connect();
  // Rows for the tables to carry: organizations and users (the blobs need no rows to be backed up).
  await client.query(`INSERT INTO organizations (id, name) SELECT gen_random_uuid(), 'org ' || i FROM generate_series(1, 2000) i`);
  await client.query(`CREATE DATABASE restored`);
  await client.end();

  const source = store('blobs');
  for (let i = 0; i < count; i++) await source.put(`org-bench/resume/${String(i).padStart(5, '0')}/1`, Readable.from([randomBytes(size)]));
  const total = count * size;

  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`${count} blobs of ${size / MB} MB (${(total / MB).toFixed(0)} MB), load average before: ${load()}`);

  const time = async (run: () => Promise<unknown>) => {
    execFileSync('sync');
    const started = performance.now();
    await run();
    return (performance.now() - started) / 1000;
  };
  const copySeconds = await time(async () => {
    await cp(path.join(dir, 'blobs'), path.join(dir, 'plain-copy'), { recursive: true });
    execFileSync('sync');
  });
  const backupSeconds = await time(() =>
    createBackup({ directory: path.join(dir, 'backup'), databaseUrl: embedded.connectionString, store: source, secrets, copyBlobs: true }),
  );
  const restoreSeconds = await time(() =>
    restoreBackup({ directory: path.join(dir, 'backup'), databaseUrl: embedded.urlFor('restored'), store: store('restored-blobs'), secrets, force: false }),
  );
  const rate = (seconds: number) => `${(total / MB / seconds).toFixed(0)} MB/s (${seconds.toFixed(1)} s)`;
  console.log('| step | throughput |');
  console.log('|---|---|');
  console.log(`| fs.cp of the blob directory, then sync (floor) | ${rate(copySeconds)} |`);
  console.log(`| vitae backup (rows + blobs, sha256, fsync) | ${rate(backupSeconds)} |`);
  console.log(`| vitae restore (checks, schema, rows, blobs, sha256, fsync) | ${rate(restoreSeconds)} |`);
  console.log(`peak RSS ${(peakRss / MB).toFixed(0)} MB; load average after: ${load()}`);
} finally {
  clearInterval(sampler);
  await embedded.stop();
  await rm(dir, { recursive: true, force: true });
}
