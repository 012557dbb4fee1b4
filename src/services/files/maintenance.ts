import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditLog } from '../audit/audit-log.ts';
import { eraseFile } from './erasure.ts';
import { refreshFileFromVersions } from './current-version.ts';
import { parseStagingKey, STAGING_PREFIX, stagingKey } from './keys.ts';

/** Blobs younger than this are never reconciled away: their row may be about to commit (blob first, row second). */
const RECONCILE_MIN_AGE_MS = 60 * 60 * 1000;
/** A partial write idle (local) or started (S3) this long ago belongs to no request still running. */
const PARTIAL_WRITE_MIN_AGE_MS = 60 * 60 * 1000;

interface FileMaintenanceDeps {
  db: Db;
  store: BlobStore;
  audit: AuditLog;
  config: Config;
}

/** The scheduled clean-up jobs: expired uploads, the soft-delete purge, and orphan blobs. */
export class FileMaintenance {
  private readonly deps: FileMaintenanceDeps;

  constructor(deps: FileMaintenanceDeps) {
    this.deps = deps;
  }

  /** Pre-signed uploads never completed: their versions (and files with nothing else) and any bytes. */
  async expirePendingUploads(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.deps.config.uploads.pendingExpirySeconds * 1000);
    const stale = await this.deps.db
      .selectFrom('file_versions')
      .select(['file_id', 'version', 'storage_key'])
      .where('status', '=', 'pending_upload')
      .where('created_at', '<', cutoff)
      .limit(1000)
      .execute();
    for (const version of stale) {
      await this.deps.db.transaction().execute(async (tx) => {
        // File row first, then the version: the lock order of every transaction that changes a file.
        const file = await tx.selectFrom('files').select(['org_id', 'owner_id']).where('id', '=', version.file_id).forUpdate().executeTakeFirst();
        if (!file) return;
        const deleted = await tx
          .deleteFrom('file_versions')
          .where('file_id', '=', version.file_id)
          .where('version', '=', version.version)
          .where('status', '=', 'pending_upload')
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return;
        const remaining = await tx.selectFrom('file_versions').select('version').where('file_id', '=', version.file_id).executeTakeFirst();
        if (remaining) await refreshFileFromVersions(tx, version.file_id);
        else await tx.deleteFrom('files').where('id', '=', version.file_id).execute();
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'file.upload_expired',
          orgId: file.org_id,
          fileId: version.file_id,
          subjectUserId: file.owner_id,
          details: { version: version.version },
        });
      });
      await this.deps.store.delete(version.storage_key);
      await this.deps.store.delete(stagingKey(version.file_id, version.version));
    }
    return stale.length;
  }

  /**
   * Bytes on staging keys that no upload waits for any more: sent to a pre-signed URL after its
   * version was completed or expired, or its file deleted or erased (on S3 the bucket accepts such
   * a PUT until the URL expires). Nothing reads them; they must not outlive an erasure.
   */
  async sweepStagedUploads(): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const flush = async () => {
      const waiting = await this.pendingUploads(batch);
      for (const key of batch) {
        if (waiting.has(key)) continue;
        await this.deps.store.delete(key);
        removed += 1;
      }
      batch = [];
    };
    for await (const blob of this.deps.store.list(STAGING_PREFIX)) {
      batch.push(blob.key);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();
    return removed;
  }

  /** The staging keys among `keys` whose version still waits for its upload, in a live file. */
  private async pendingUploads(keys: string[]): Promise<Set<string>> {
    const fileIds = [...new Set(keys.flatMap((key) => parseStagingKey(key)?.fileId ?? []))];
    if (fileIds.length === 0) return new Set();
    const rows = await this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select(['file_versions.file_id', 'file_versions.version'])
      .where('file_versions.file_id', 'in', fileIds)
      .where('file_versions.status', '=', 'pending_upload')
      .where('files.deleted_at', 'is', null)
      .where('files.erased_at', 'is', null)
      .execute();
    return new Set(rows.map((row) => stagingKey(row.file_id, row.version)));
  }

  /** Soft-deleted files past the grace period are erased for good. */
  async purgeDeletedFiles(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.deps.config.retention.softDeleteGraceDays * 24 * 3600 * 1000);
    const due = await this.deps.db.selectFrom('files').select('id').where('deleted_at', '<', cutoff).where('erased_at', 'is', null).limit(1000).execute();
    for (const { id } of due) await eraseFile({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, SYSTEM_CONTEXT, id, 'file.purged');
    return due.length;
  }

  /** Removes blobs that no live row points at (leftovers of crashes between blob and row) and reports them. */
  async reconcileBlobs(now = new Date()): Promise<string[]> {
    const removed: string[] = [];
    let batch: string[] = [];
    const flush = async () => {
      const referenced = await this.referencedKeys(batch);
      for (const key of batch) {
        if (referenced.has(key)) continue;
        await this.deps.store.delete(key);
        removed.push(key);
      }
      batch = [];
    };
    for await (const blob of this.deps.store.list('')) {
      if (blob.lastModified && now.getTime() - blob.lastModified.getTime() < RECONCILE_MIN_AGE_MS) continue;
      batch.push(blob.key);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();
    return removed;
  }

  /**
   * Removes the partial writes of processes that died mid-write. `alone`: no other process uses the
   * store (see recoverFromCrash), so every partial write older than `now` is an orphan.
   */
  async sweepPartialWrites(now = new Date(), options: { alone?: boolean } = {}): Promise<number> {
    return this.deps.store.sweepPartialWrites(options.alone ? now : new Date(now.getTime() - PARTIAL_WRITE_MIN_AGE_MS));
  }

  private async referencedKeys(keys: string[]): Promise<Set<string>> {
    const live = this.deps.db.selectFrom('file_versions').innerJoin('files', 'files.id', 'file_versions.file_id').where('files.erased_at', 'is', null);
    const [stored, quarantined, exports, subjectExports] = await Promise.all([
      live
        .select('file_versions.storage_key as key')
        .where('file_versions.storage_key', 'in', keys)
        .where('file_versions.quarantine_key', 'is', null)
        .execute(),
      live.select('file_versions.quarantine_key as key').where('file_versions.quarantine_key', 'in', keys).execute(),
      // A person's data export lives for hours; the export purge removes it when it expires.
      this.deps.db.selectFrom('data_exports').select('storage_key as key').where('storage_key', 'in', keys).execute(),
      // So does an organization's export for a subject request.
      this.deps.db.selectFrom('subject_requests').select('storage_key as key').where('storage_key', 'in', keys).execute(),
    ]);
    return new Set([...stored, ...quarantined, ...exports, ...subjectExports].map((row) => row.key).filter((key): key is string => key !== null));
  }
}
