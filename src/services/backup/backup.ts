import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { listTables, openSnapshot, tableRows } from '../../db/table-copy.ts';
import type { Secrets } from '../../secrets.ts';
import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import { LocalBlobStore } from '../../storage/local.ts';
import { digestOfBlob, forEachConcurrently, Sha256Counter, transferBlob, type BlobDigest } from '../../storage/transfer.ts';
import {
  BLOB_INDEX_FILE,
  BLOBS_DIR,
  MANIFEST_FILE,
  newManifest,
  secretFingerprints,
  tableFile,
  vitaeVersion,
  type BackupManifest,
  type TableEntry,
} from './manifest.ts';

/** Blobs copied at once: each copy waits on an fsync (local) or the network (S3) more than on the CPU. */
export const BLOB_CONCURRENCY = 4;

export interface BackupOptions {
  directory: string;
  databaseUrl: string;
  store: BlobStore;
  /** Only their fingerprints go into the manifest. */
  secrets: Secrets;
  /** Copy the blobs into the backup (always for the local store; S3 with --copy-blobs), or only list them with their digests. */
  copyBlobs: boolean;
  /** Called after each blob with the running totals. */
  progress?: (done: { blobs: number; bytes: number }) => void;
}

export interface BackupReport {
  manifest: BackupManifest;
  /** Blobs listed but deleted before they could be read (purged or erased during the backup). */
  vanished: string[];
}

/**
 * An online backup: the rows of every table from one snapshot, then the blobs. The blobs are
 * read after the snapshot, so every row's blob (written before its row commits) is there; blobs
 * written since are extra, and harmless (the reconciler removes unreferenced ones).
 */
export async function createBackup(options: BackupOptions): Promise<BackupReport> {
  const directory = path.resolve(options.directory);
  await prepareDirectory(directory);
  const { migration, postgres, tables } = await dumpTables(directory, options.databaseUrl);
  const blobs = await backUpBlobs(directory, options);
  const manifest = newManifest({
    createdAt: new Date().toISOString(),
    versions: { vitae: vitaeVersion, migration, postgres },
    secrets: secretFingerprints(options.secrets),
    tables,
    blobs: { driver: options.store.driver, copied: options.copyBlobs, count: blobs.count, bytes: blobs.bytes, index: blobs.index },
  });
  await writeFileDurably(path.join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, vanished: blobs.vanished };
}

/** A backup goes into a new or empty directory: never over another backup. */
async function prepareDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  if ((await readdir(directory)).length > 0) throw new Error(`${directory} is not empty: give a new or empty directory for the backup.`);
  await mkdir(path.join(directory, 'tables'), { mode: 0o700 });
}

async function dumpTables(directory: string, databaseUrl: string): Promise<{ migration: string; postgres: string; tables: TableEntry[] }> {
  const snapshot = await openSnapshot(databaseUrl);
  try {
    const level = await snapshot.query<{ name: string }>('SELECT name FROM vitae_migrations ORDER BY name DESC LIMIT 1').catch((error: unknown) => {
      throw new Error('This database holds no Vitae schema (no vitae_migrations table): nothing to back up.', { cause: error });
    });
    const migration = level.rows[0]?.name;
    if (!migration) throw new Error('This database has no migration applied: nothing to back up.');
    const postgres = (await snapshot.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const tables: TableEntry[] = [];
    for (const table of await listTables(snapshot)) {
      const counter = new Sha256Counter();
      await pipeline(
        tableRows(snapshot, table),
        createGzip(),
        counter,
        createWriteStream(tableFile(directory, table), { flags: 'wx', mode: 0o600, flush: true }),
      );
      tables.push({ ...table, size: counter.size, sha256: counter.digest() });
    }
    return { migration, postgres, tables };
  } finally {
    await snapshot.query('ROLLBACK').catch(() => {});
    await snapshot.end();
  }
}

async function backUpBlobs(
  directory: string,
  options: BackupOptions,
): Promise<{ count: number; bytes: number; index: { size: number; sha256: string }; vanished: string[] }> {
  // The backup's own blobs/ is a local store: the same atomic, validated writes as Vitae's, and the same layout.
  const copies = options.copyBlobs
    ? new LocalBlobStore({ root: path.join(directory, BLOBS_DIR), publicUrl: 'http://localhost', signingSecret: randomBytes(32).toString('hex') })
    : null;
  const counter = new Sha256Counter();
  const indexFile = createWriteStream(path.join(directory, BLOB_INDEX_FILE), { flags: 'wx', mode: 0o600, flush: true });
  const writing = pipeline(counter, indexFile);
  writing.catch(() => {}); // awaited below; a write error also fails the next write
  const vanished: string[] = [];
  let count = 0;
  let bytes = 0;
  try {
    await forEachConcurrently(options.store.list(''), BLOB_CONCURRENCY, async ({ key }) => {
      let digest: BlobDigest | null;
      try {
        digest = copies ? await transferBlob(options.store, copies, key) : await digestOfBlob(options.store, key);
      } catch (error) {
        if (!(error instanceof BlobNotFound)) throw error;
        digest = null;
      }
      if (!digest) {
        vanished.push(key);
        return;
      }
      if (!counter.write(`${JSON.stringify({ key, size: digest.size, sha256: digest.sha256 })}\n`)) await once(counter, 'drain');
      count += 1;
      bytes += digest.size;
      options.progress?.({ blobs: count, bytes });
    });
  } finally {
    counter.end();
    await writing;
  }
  return { count, bytes, index: { size: counter.size, sha256: counter.digest() }, vanished };
}

/** Written to a temporary name, synced, then renamed: the manifest appears whole or not at all. */
async function writeFileDurably(file: string, content: string): Promise<void> {
  const temporary = `${file}.partial`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
