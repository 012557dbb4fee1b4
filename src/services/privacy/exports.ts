import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { DataExportsTable } from '../../db/schema.ts';
import type { Selectable } from 'kysely';
import { contentDisposition } from '../../domain/filename.ts';
import { newId } from '../../domain/ids.ts';
import type { Page } from '../../domain/pagination.ts';
import { forbidden, notFound } from '../../errors.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { JobQueue } from '../../queue/queue.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { collectPersonalData, type ArchivedFile } from './personal-data.ts';
import { requireCandidate } from './subject.ts';
import { keysetPage } from '../../db/keyset.ts';

export interface ExportView {
  id: string;
  status: Selectable<DataExportsTable>['status'];
  created_at: string;
  expires_at: string;
  size: number | null;
  /** Only when ready: a pre-signed GET of the ZIP, valid until `download_url_expires_at`. */
  download_url?: string;
  download_url_expires_at?: string;
}

type ExportRow = Selectable<DataExportsTable>;

/** Where an export's ZIP lives: ids only, one key per build attempt (objects are never overwritten). */
export const exportKey = (exportId: string, attempt: number) => `exports/${exportId}/${attempt}`;

interface DataExportsDeps {
  db: Db;
  store: BlobStore;
  queue: JobQueue;
  audit: AuditLog;
  config: Config;
}

/**
 * A person's export of their own data: requested over HTTP, built by a queue job that streams one
 * ZIP (`data.json` and the bytes of every current file) straight into the blob store, downloaded
 * through a short-lived pre-signed URL, and purged when it expires. Another person's export is a
 * 404, whoever asks.
 */
export class DataExports {
  private readonly deps: DataExportsDeps;

  constructor(deps: DataExportsDeps) {
    this.deps = deps;
  }

  async request(ctx: RequestContext): Promise<ExportView> {
    const userId = requireCandidate(ctx.actor);
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const created = await tx
        .insertInto('data_exports')
        .values({
          id: newId(),
          user_id: userId,
          status: 'pending',
          storage_key: null,
          size: null,
          expires_at: new Date(Date.now() + this.deps.config.exports.ttlSeconds * 1000),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.queue.send(JOBS.buildExport, { exportId: created.id }, { tx });
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'export.requested',
        orgId: null,
        subjectUserId: userId,
        resourceType: 'export',
        resourceId: created.id,
      });
      return created;
    });
    return view(row);
  }

  /** The caller's exports, newest first. */
  async list(ctx: RequestContext, page: { limit: number; cursor?: string }): Promise<Page<ExportView>> {
    const userId = requireCandidate(ctx.actor);
    const query = this.deps.db.selectFrom('data_exports').selectAll().where('user_id', '=', userId);
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, page);
    return { items: items.map((row) => view(row)), next_cursor };
  }

  /** One export; when it is ready, with a fresh short-lived download URL (issuing it is audited). */
  async get(ctx: RequestContext, exportId: string): Promise<ExportView> {
    // Anyone but the person who asked for it gets the 404 of an unknown export.
    if (ctx.actor.kind !== 'user') throw forbidden('Exports belong to people, not API keys.');
    const userId = ctx.actor.userId;
    const row = await this.deps.db.selectFrom('data_exports').selectAll().where('id', '=', exportId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw notFound('Export');
    const remainingSeconds = Math.floor((row.expires_at.getTime() - Date.now()) / 1000);
    if (row.status !== 'ready' || !row.storage_key || remainingSeconds < 1) return view(row);
    const signed = await this.deps.store.presignGet(row.storage_key, {
      expiresInSeconds: Math.min(this.deps.config.downloads.urlTtlSeconds, remainingSeconds),
      contentType: 'application/zip',
      contentDisposition: contentDisposition(`vitae-export-${row.created_at.toISOString().slice(0, 10)}.zip`),
    });
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'export.download_url_issued',
      orgId: null,
      subjectUserId: userId,
      resourceType: 'export',
      resourceId: row.id,
    });
    return { ...view(row), download_url: signed.url, download_url_expires_at: signed.expiresAt.toISOString() };
  }

  /**
   * The queue job. The ZIP is streamed: yazl reads one file's bytes from the store at a time and
   * the store writes the archive as it is produced, so neither the files nor the archive are ever
   * held in memory. A build that lost its row meanwhile (the account was erased, the export
   * expired) removes what it wrote.
   */
  async build(exportId: string, attempt: number, final: boolean): Promise<void> {
    const started = await this.deps.db
      .updateTable('data_exports')
      .set({ status: 'running', updated_at: new Date() })
      .where('id', '=', exportId)
      .where('status', 'in', ['pending', 'running'])
      .returningAll()
      .executeTakeFirst();
    if (!started) return;
    const key = exportKey(exportId, attempt);
    try {
      const { size } = await this.deps.store.put(key, await this.archive(started.user_id), { contentType: 'application/zip' });
      const finished = await this.deps.db.transaction().execute(async (tx) => {
        const done = await tx
          .updateTable('data_exports')
          .set({ status: 'ready', storage_key: key, size, updated_at: new Date() })
          .where('id', '=', exportId)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) return false;
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'export.ready',
          orgId: null,
          subjectUserId: started.user_id,
          resourceType: 'export',
          resourceId: exportId,
          details: { size },
        });
        return true;
      });
      if (!finished) await this.deps.store.delete(key);
    } catch (error) {
      await this.deps.store.delete(key).catch(() => {});
      if (final) await this.fail(exportId, started.user_id);
      throw error;
    }
  }

  /** Exports past their expiry: the row says `expired` first, then the bytes go (a crash in between leaves an orphan for the reconciler). */
  async purgeExpired(now = new Date()): Promise<number> {
    const due = await this.deps.db
      .selectFrom('data_exports')
      .select(['id', 'user_id', 'storage_key'])
      .where('expires_at', '<', now)
      .where('status', '<>', 'expired')
      .limit(1000)
      .execute();
    for (const row of due) {
      await this.deps.db.transaction().execute(async (tx) => {
        await tx.updateTable('data_exports').set({ status: 'expired', storage_key: null, updated_at: new Date() }).where('id', '=', row.id).execute();
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'export.purged',
          orgId: null,
          subjectUserId: row.user_id,
          resourceType: 'export',
          resourceId: row.id,
        });
      });
      if (row.storage_key) await this.deps.store.delete(row.storage_key);
    }
    return due.length;
  }

  private async archive(userId: string): Promise<Readable> {
    const { data, archived } = await collectPersonalData(this.deps.db, userId);
    return zipArchive(this.deps.store, data, archived);
  }

  private async fail(exportId: string, userId: string): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const failed = await tx
        .updateTable('data_exports')
        .set({ status: 'failed', updated_at: new Date() })
        .where('id', '=', exportId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(failed.numUpdatedRows) > 0)
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'export.failed',
          orgId: null,
          subjectUserId: userId,
          resourceType: 'export',
          resourceId: exportId,
        });
    });
  }
}

/**
 * One ZIP, streamed: `data.json` first, then each file's bytes, read from the store one at a time
 * as the archive is consumed. Shared by a person's own export and an organization's subject request.
 */
export function zipArchive(store: BlobStore, data: unknown, archived: ArchivedFile[]): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // yazl reports its own errors as events and does not forward a source stream's: both end the output, which aborts the write.
  zip.on('error', (error: Error) => output.destroy(error));
  // The blob store's write owns the output's errors while it reads it; an entry that fails after
  // that write has given up must not become an unhandled 'error' event that ends the process.
  output.on('error', () => {});
  zip.addBuffer(Buffer.from(JSON.stringify(data, null, 2)), 'data.json');
  for (const file of archived) {
    zip.addReadStreamLazy(file.path, (callback) => {
      store.get(file.storageKey).then(
        (stream) => {
          stream.once('error', (error) => output.destroy(error));
          callback(null, stream);
        },
        (error: Error) => callback(error, undefined as never),
      );
    });
  }
  zip.end();
  return output;
}

export function view(row: ExportRow): ExportView {
  return {
    id: row.id,
    status: row.status,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    size: row.size === null ? null : Number(row.size),
  };
}
