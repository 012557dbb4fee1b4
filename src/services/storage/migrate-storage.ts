import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import { ChecksumMismatch, digestOfBlob, transferBlob } from '../../storage/transfer.ts';

export interface StorageMigrationOptions {
  source: BlobStore;
  target: BlobStore;
  /** Copy at most this many objects in this run (a migration in batches); the next run goes on where it stopped. */
  limit?: number;
  progress?: (state: { blobs: number; bytes: number }) => void;
}

export interface StorageMigrationReport {
  /** Objects written to the target (including `replaced`). */
  copied: number;
  /** Objects the target held with other bytes (an earlier copy that went wrong): replaced. */
  replaced: number;
  /** Objects the target already held with the same sha256: skipped. */
  present: number;
  /** Listed in the source but deleted before they could be read (purged or erased meanwhile). */
  vanished: number;
  bytes: number;
  /** Keys whose copy did not read back with the source's sha256 (the copy was deleted). */
  failed: string[];
  /** True when the run stopped at `limit` with objects left. */
  stoppedAtLimit: boolean;
}

/**
 * Copies every object of the source store (every version, the quarantine, staged uploads) to the
 * same key in the target, each read back and compared by sha256. Resumable and idempotent: an
 * object the target already holds with the same sha256 is skipped, so a run that was interrupted
 * is simply run again. The source is never changed.
 */
export async function migrateStorage(options: StorageMigrationOptions): Promise<StorageMigrationReport> {
  const { source, target } = options;
  const report: StorageMigrationReport = { copied: 0, replaced: 0, present: 0, vanished: 0, bytes: 0, failed: [], stoppedAtLimit: false };
  for await (const listed of source.list('')) {
    if (options.limit !== undefined && report.copied >= options.limit) {
      report.stoppedAtLimit = true;
      break;
    }
    const outcome = await migrateObject(source, target, listed.key, listed.size);
    if (outcome === 'present') report.present += 1;
    else if (outcome === 'vanished') report.vanished += 1;
    else if (outcome === 'failed') report.failed.push(listed.key);
    else {
      report.copied += 1;
      if (outcome === 'replaced') report.replaced += 1;
      report.bytes += listed.size;
    }
    options.progress?.({ blobs: report.copied + report.present, bytes: report.bytes });
  }
  return report;
}

async function migrateObject(
  source: BlobStore,
  target: BlobStore,
  key: string,
  size: number,
): Promise<'copied' | 'replaced' | 'present' | 'vanished' | 'failed'> {
  const existing = await target.head(key);
  let replacing = false;
  if (existing) {
    // Same size: compare the bytes' digests. Another size: an earlier copy went wrong; no need to read it.
    if (existing.size === size) {
      const [ours, theirs] = [await digestOfBlob(source, key), await digestOfBlob(target, key)];
      if (!ours) return 'vanished';
      if (ours.sha256 === theirs?.sha256) return 'present';
    }
    await target.delete(key);
    replacing = true;
  }
  try {
    await transferBlob(source, target, key, { verifyCopy: true });
    return replacing ? 'replaced' : 'copied';
  } catch (error) {
    if (error instanceof BlobNotFound) return 'vanished';
    if (error instanceof ChecksumMismatch) return 'failed';
    throw error;
  }
}
