import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from '../../db/database.ts';
import { migrateTo, migrationNames } from '../../db/migrate.ts';
import { copyTableIn, listTables } from '../../db/table-copy.ts';
import { QUEUES } from '../../queue/jobs.ts';
import type { Secrets } from '../../secrets.ts';
import { createPgBossQueue } from '../../queue/queue.ts';
import { BlobExists, BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import { LocalBlobStore } from '../../storage/local.ts';
import { ChecksumMismatch, digestOf, digestOfBlob, forEachConcurrently, transferBlob } from '../../storage/transfer.ts';
import { BLOB_CONCURRENCY } from './backup.ts';
import {
  BLOB_INDEX_FILE,
  BLOBS_DIR,
  InvalidBackup,
  readManifest,
  secretMismatches,
  tableFile,
  vitaeVersion,
  type BackupManifest,
  type BlobIndexLine,
  type FileDigest,
} from './manifest.ts';

export interface RestoreOptions {
  directory: string;
  databaseUrl: string;
  store: BlobStore;
  /** The target's secrets: migrations that move data under a key use them. */
  secrets: Secrets;
  /** Replace a database that holds Vitae tables, and write over a blob store that holds objects. */
  force: boolean;
  progress?: (done: { blobs: number; bytes: number }) => void;
}

export interface RestoreReport {
  manifest: BackupManifest;
  tables: number;
  /** Blobs written to the store, or (for an S3 backup that did not copy them) found there with their digest. */
  blobs: number;
  /** Already in the store with the right digest (a restore run again with --force). */
  unchanged: number;
  /** Blobs missing or with another digest: the restore is incomplete when any. */
  problems: string[];
  /** Secrets of the target that differ from the backed-up deployment's, with what that costs. */
  secretWarnings: string[];
}

/** The target holds data and --force was not given. */
export class RestoreRefused extends Error {
  constructor(what: string[]) {
    super(`Refusing to restore over ${what.join(' and ')}: restore into an empty database and blob store, or pass --force to replace them.`);
    this.name = 'RestoreRefused';
  }
}

/**
 * Restores a backup made by `createBackup`: every checksum of the backup is checked before the
 * target is touched; the schema is made by Vitae's own migrations up to the backup's level, the
 * rows are loaded in one transaction, then the blobs are copied (each verified against its digest).
 * `vitae serve` migrates the rest of the way when the backup is older than this Vitae.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const directory = path.resolve(options.directory);
  const manifest = await readManifest(directory);
  if (!migrationNames().includes(manifest.versions.migration)) {
    throw new InvalidBackup(
      `it was made by a newer Vitae (${manifest.versions.vitae}, migration ${manifest.versions.migration}) than this one (${vitaeVersion}): upgrade first`,
    );
  }
  await verifyFiles(directory, manifest);

  const occupied = await occupiedTargets(options, manifest);
  if ((occupied.database || occupied.store) && !options.force) {
    throw new RestoreRefused([
      ...(occupied.database ? ['a database with Vitae tables'] : []),
      ...(occupied.store ? [`a blob store with objects (${options.store.driver})`] : []),
    ]);
  }

  await recreateSchema(options.databaseUrl, options.secrets, manifest.versions.migration, occupied.database);
  await loadRows(directory, options.databaseUrl, manifest);
  const blobs = await restoreBlobs(directory, manifest, options);
  return { manifest, tables: manifest.tables.length, ...blobs, secretWarnings: secretMismatches(manifest, options.secrets) };
}

/** The table files and the blob index, against the manifest (the blobs are checked as they are copied). */
async function verifyFiles(directory: string, manifest: BackupManifest): Promise<void> {
  const check = async (file: string, expected: FileDigest) => {
    const actual = await digestOf(createReadStream(file)).catch((error: unknown) => {
      throw new InvalidBackup(`${path.relative(directory, file)} cannot be read (${(error as Error).message})`);
    });
    if (actual.sha256 !== expected.sha256) throw new InvalidBackup(`${path.relative(directory, file)} does not match its checksum (damaged or changed)`);
  };
  for (const table of manifest.tables) await check(tableFile(directory, table), table);
  await check(path.join(directory, BLOB_INDEX_FILE), manifest.blobs.index);
}

async function occupiedTargets(options: RestoreOptions, manifest: BackupManifest): Promise<{ database: boolean; store: boolean }> {
  const occupied = { database: false, store: false };
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    // Restoring under a running server would mix its writes with the backup's rows.
    const { rows: others } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    if (others[0]!.count > 0)
      throw new Error(`${others[0]!.count} other connections use this database: stop \`vitae serve\` and \`vitae worker\` before restoring.`);
    const { rows } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM pg_tables WHERE schemaname IN ('public', 'pgboss')");
    occupied.database = rows[0]!.count > 0;
  } finally {
    await client.end();
  }
  if (manifest.blobs.copied) {
    // Only then are blobs written: a backup that listed S3 objects without copying them expects them in the bucket.
    for await (const _ of options.store.list('')) {
      occupied.store = true;
      break;
    }
  }
  return occupied;
}

/** Vitae's schema at the backup's migration level, and the queue's schema as pg-boss makes it. */
async function recreateSchema(databaseUrl: string, secrets: Secrets, migration: string, replace: boolean): Promise<void> {
  const db = createDb(databaseUrl, 2);
  try {
    if (replace) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
        await client.query('DROP SCHEMA IF EXISTS public CASCADE');
        await client.query('CREATE SCHEMA public');
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
    }
    await migrateTo(db, secrets, migration);
  } finally {
    await db.destroy();
  }
  const queue = createPgBossQueue(databaseUrl, QUEUES, { poolSize: 2 });
  await queue.start();
  await queue.stop();
}

/** Every table in one transaction: the database holds all the rows of the backup, or none. */
async function loadRows(directory: string, databaseUrl: string, manifest: BackupManifest): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'vitae restore' });
  await client.connect();
  try {
    const known = new Set((await listTables(client)).map((t) => `${t.schema}.${t.name}`));
    await client.query('BEGIN');
    for (const table of manifest.tables) {
      if (!known.has(`${table.schema}.${table.name}`))
        throw new InvalidBackup(`table ${table.schema}.${table.name} is not part of Vitae's schema at ${manifest.versions.migration}`);
      const rows = createReadStream(tableFile(directory, table)).pipe(createGunzip());
      await copyTableIn(client, table, rows);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function restoreBlobs(
  directory: string,
  manifest: BackupManifest,
  options: RestoreOptions,
): Promise<Pick<RestoreReport, 'blobs' | 'unchanged' | 'problems'>> {
  const copies = new LocalBlobStore({ root: path.join(directory, BLOBS_DIR), publicUrl: 'http://localhost', signingSecret: randomBytes(32).toString('hex') });
  const problems: string[] = [];
  let blobs = 0;
  let unchanged = 0;
  let bytes = 0;
  const lines = createInterface({ input: createReadStream(path.join(directory, BLOB_INDEX_FILE)), crlfDelay: Infinity });
  await forEachConcurrently(lines, BLOB_CONCURRENCY, async (line) => {
    if (line.trim() === '') return;
    const blob = JSON.parse(line) as BlobIndexLine;
    if (!manifest.blobs.copied) {
      // The backup listed the bucket's objects without copying them: the bucket must still hold each one, unchanged.
      const found = await digestOfBlob(options.store, blob.key);
      if (found?.sha256 === blob.sha256) blobs += 1;
      else problems.push(`${blob.key}: ${found ? 'another digest in the store' : 'missing from the store'}`);
    } else {
      const outcome = await restoreBlob(copies, options.store, blob);
      if (outcome === 'unchanged') unchanged += 1;
      else if (outcome === 'restored') blobs += 1;
      else problems.push(outcome.problem);
    }
    bytes += blob.size;
    options.progress?.({ blobs: blobs + unchanged, bytes });
  });
  return { blobs, unchanged, problems };
}

async function restoreBlob(
  copies: BlobStore,
  target: BlobStore,
  blob: BlobIndexLine,
  replacing = false,
): Promise<'restored' | 'unchanged' | { problem: string }> {
  try {
    await transferBlob(copies, target, blob.key, { expectedSha256: blob.sha256 });
    return 'restored';
  } catch (error) {
    if (error instanceof ChecksumMismatch) return { problem: `${blob.key}: the backup's copy does not match its checksum` };
    if (error instanceof BlobNotFound) return { problem: `${blob.key}: missing from the backup` };
    if (!(error instanceof BlobExists) || replacing) throw error;
  }
  // Only with --force does the store hold objects: keep an identical one, replace another.
  if ((await digestOfBlob(target, blob.key))?.sha256 === blob.sha256) return 'unchanged';
  await target.delete(blob.key);
  return restoreBlob(copies, target, blob, true);
}
