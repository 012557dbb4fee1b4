import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { authorize } from '../../domain/policy.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import type { FileAccess } from './access.ts';

export interface QuarantineItem {
  file_id: string;
  version: number;
  filename: string | null;
  status: string;
  reason: string | null;
  engine: string | null;
  signature: string | null;
  size: number | null;
  quarantined_at: string;
}

interface QuarantineDeps {
  db: Db;
  store: BlobStore;
  queue: JobQueue;
  audit: AuditLog;
  access: FileAccess;
  config: Config;
}

/**
 * Infected and rejected bytes live under the quarantine prefix of the blob store, never served.
 * Org admins list and delete them; they are purged after QUARANTINE_RETENTION_DAYS. Rescans
 * (after a signature update) run clean files through the scanners again.
 */
export class Quarantine {
  private readonly deps: QuarantineDeps;

  constructor(deps: QuarantineDeps) {
    this.deps = deps;
  }

  async list(ctx: RequestContext): Promise<QuarantineItem[]> {
    const orgId = this.adminOrg(ctx, 'quarantine.read');
    const rows = await this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select([
        'file_versions.file_id',
        'file_versions.version',
        'file_versions.filename',
        'file_versions.status',
        'file_versions.status_reason',
        'file_versions.scan',
        'file_versions.size',
        'file_versions.quarantined_at',
      ])
      .where('files.org_id', '=', orgId)
      .where('file_versions.quarantine_key', 'is not', null)
      .orderBy('file_versions.quarantined_at', 'desc')
      .limit(500)
      .execute();
    return rows.map((row) => ({
      file_id: row.file_id,
      version: row.version,
      filename: row.filename,
      status: row.status,
      reason: row.status_reason,
      engine: row.scan?.engine ?? null,
      signature: row.scan?.signature ?? null,
      size: row.size === null ? null : Number(row.size),
      quarantined_at: row.quarantined_at!.toISOString(),
    }));
  }

  /** Deletes the quarantined bytes of a file (every quarantined version). The row keeps the verdict. */
  async remove(ctx: RequestContext, fileId: string): Promise<void> {
    const orgId = this.adminOrg(ctx, 'quarantine.delete');
    const versions = await this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select(['file_versions.version', 'file_versions.quarantine_key'])
      .where('files.id', '=', fileId)
      .where('files.org_id', '=', orgId)
      .where('file_versions.quarantine_key', 'is not', null)
      .execute();
    if (versions.length === 0) throw notFound('Quarantined file');
    await this.deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('file_versions')
        .set({ quarantine_key: null, updated_at: new Date() })
        .where('file_id', '=', fileId)
        .where('quarantine_key', 'is not', null)
        .execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'quarantine.deleted', orgId, fileId, details: { versions: versions.map((v) => v.version) } });
    });
    for (const version of versions) await this.deps.store.delete(version.quarantine_key!);
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.deps.config.retention.quarantineDays * 24 * 3600 * 1000);
    const due = await this.deps.db
      .selectFrom('file_versions')
      .select(['file_id', 'version', 'quarantine_key'])
      .where('quarantine_key', 'is not', null)
      .where('quarantined_at', '<', cutoff)
      .limit(1000)
      .execute();
    for (const version of due) {
      await this.deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('file_versions')
          .set({ quarantine_key: null, updated_at: new Date() })
          .where('file_id', '=', version.file_id)
          .where('version', '=', version.version)
          .execute();
        const file = await tx.selectFrom('files').select(['org_id', 'owner_id']).where('id', '=', version.file_id).executeTakeFirstOrThrow();
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'quarantine.purged',
          orgId: file.org_id,
          fileId: version.file_id,
          subjectUserId: file.owner_id,
          details: { version: version.version },
        });
      });
      await this.deps.store.delete(version.quarantine_key!);
    }
    return due.length;
  }

  /** `POST /files/{id}/rescan` (org admin): the file's clean version goes through the scanners again. */
  async rescan(ctx: RequestContext, fileId: string): Promise<void> {
    const file = await this.deps.access.load(ctx, fileId, 'file.rescan', 'file.rescan_requested');
    await this.deps.db.transaction().execute(async (tx) => {
      await this.deps.queue.send(JOBS.scanFile, { fileId, version: file.version, rescan: true }, { tx });
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'file.rescan_requested',
        orgId: file.org_id,
        fileId,
        subjectUserId: file.owner_id,
        details: { version: file.version },
      });
    });
  }

  /** `vitae rescan --since`: every clean version uploaded since then. */
  async rescanSince(since: Date): Promise<number> {
    const versions = await this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select(['file_versions.file_id', 'file_versions.version'])
      .where('file_versions.status', '=', 'clean')
      .where('file_versions.created_at', '>=', since)
      .where('files.erased_at', 'is', null)
      .execute();
    for (const { file_id, version } of versions) await this.deps.queue.send(JOBS.scanFile, { fileId: file_id, version, rescan: true });
    return versions.length;
  }

  private adminOrg(ctx: RequestContext, action: 'quarantine.read' | 'quarantine.delete'): string {
    const orgId = ctx.actor.orgId;
    if (!orgId || !authorize(ctx.actor, action, { type: 'org_scope', orgId }).allowed) throw forbidden('Only organization admins manage the quarantine.');
    return orgId;
  }
}
