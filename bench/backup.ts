// Backup and restore throughput: `createBackup` and `restoreBackup` (what `vitae backup` and
// `vitae restore` run) on the embedded PostgreSQL and local disk, with ~1 GB of blobs (random
// bytes, so gzip or the page cache's dedup cannot flatter it) and 100,000 rows (files and their
// versions, half each). Beside them, the floor: the same blobs copied file by file with a plain `fs.cp`, then
// `sync` (a backup and a restore fsync every file, so the floor is a durable copy too). Every
// step starts with nothing left to write back (`sync` before it), so none pays for another's writes.
// Then `migrateStorage` (what `vitae migrate-storage` runs) moves the same blobs from local disk to
// S3 (s3rver on loopback, a child process) and back into a new local root, each object read back
// and compared by sha256.
// Prints MB/s (blob bytes over wall time), peak RSS and the load average before and after.
// Run: node bench/backup.ts [--blobs 200] [--size-mb 5] [--rows 100000]
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
import { migrateStorage } from '../src/services/storage/migrate-storage.ts';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { LocalBlobStore } from '../src/storage/local.ts';
import { S3BlobStore } from '../src/storage/s3.ts';
import { startS3rver } from '../test/helpers/s3rver.ts';

const { values } = parseArgs({
  options: { blobs: { type: 'string', default: '200' }, 'size-mb': { type: 'string', default: '5' }, rows: { type: 'string', default: '100000' } },
});
const MB = 1024 * 1024;
const count = Number(values.blobs);
const rows = Number(values.rows);
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
const s3rver = await startS3rver({ buckets: ['bench'] });
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

try {
  const db = createDb(embedded.connectionString, 2);
  await migrateToLatest(db, secrets);
  await db.destroy();
  const client = new pg.Client({ connectionString: embedded.connectionString });
  await client.connect();
  // Rows for the tables to carry: an organization and its recruiter, then files and one version
  // each, half the rows apiece, with the columns an upload fills (the blobs need no rows to be
  // backed up, and restore does not compare the two).
  const { rows: seeded } = await client.query<{ org: string; owner: string }>(
    `WITH org AS (INSERT INTO organizations (id, name) VALUES (gen_random_uuid(), 'Bench') RETURNING id),
          owner AS (INSERT INTO users (id, email, name, role) VALUES (gen_random_uuid(), 'bench@example.test', 'Bench', 'recruiter') RETURNING id)
     SELECT org.id AS org, owner.id AS owner FROM org, owner`,
  );
  await client.query(
    `WITH f AS (
       INSERT INTO files (id, owner_id, org_id, category, filename, content_type, size, sha256, status, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, 'resume', 'resume-' || g || '.pdf', 'application/pdf', 100000 + g, encode(sha256(g::text::bytea), 'hex'), 'clean', now(), now()
       FROM generate_series(1, $3::int) AS g
       RETURNING id, filename, size, sha256)
     INSERT INTO file_versions (file_id, version, storage_key, filename, content_type, declared_size, size, sha256, status, status_reason, scanned_at, created_by)
     SELECT id, 1, 'org-bench/resume/' || id || '/1', filename, 'application/pdf', size, size, sha256, 'clean', null, now(), $1 FROM f`,
    [seeded[0]!.owner, seeded[0]!.org, Math.floor(rows / 2)],
  );
  await client.query(`CREATE DATABASE restored`);
  await client.end();

  const source = store('blobs');
  for (let i = 0; i < count; i++) await source.put(`org-bench/resume/${String(i).padStart(5, '0')}/1`, Readable.from([randomBytes(size)]));
  const total = count * size;

  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`${count} blobs of ${size / MB} MB (${(total / MB).toFixed(0)} MB), ${rows} rows, load average before: ${load()}`);

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
  const s3 = new S3BlobStore({
    driver: 's3',
    bucket: 'bench',
    region: 'us-east-1',
    endpoint: s3rver.endpoint,
    forcePathStyle: true,
    sse: 'AES256',
    maxAttempts: 3,
  });
  const migrate = async (from: BlobStore, to: BlobStore) => {
    const report = await migrateStorage({ source: from, target: to });
    if (report.copied !== count || report.failed.length) throw new Error(`migrate-storage copied ${report.copied} of ${count}, ${report.failed.length} failed`);
  };
  const toS3Seconds = await time(() => migrate(source, s3));
  const toLocalSeconds = await time(() => migrate(s3, store('migrated-blobs')));
  const rate = (seconds: number) => `${(total / MB / seconds).toFixed(0)} MB/s (${seconds.toFixed(1)} s)`;
  console.log('| step | throughput |');
  console.log('|---|---|');
  console.log(`| fs.cp of the blob directory, then sync (floor) | ${rate(copySeconds)} |`);
  console.log(`| vitae backup (rows + blobs, sha256, fsync) | ${rate(backupSeconds)} |`);
  console.log(`| vitae restore (checks, schema, rows, blobs, sha256, fsync) | ${rate(restoreSeconds)} |`);
  console.log(`| vitae migrate-storage local → S3 (s3rver; sha256 read back) | ${rate(toS3Seconds)} |`);
  console.log(`| vitae migrate-storage S3 → local (a new root) | ${rate(toLocalSeconds)} |`);
  console.log(`peak RSS ${(peakRss / MB).toFixed(0)} MB; load average after: ${load()}`);
} finally {
  clearInterval(sampler);
  await embedded.stop();
  await s3rver.stop();
  await rm(dir, { recursive: true, force: true });
}
