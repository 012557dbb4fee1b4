import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Counter, Histogram } from 'prom-client';
import type { Db, Tx } from '../../db/database.ts';
import type { FileVersionRow, ScanSummary } from '../../db/schema.ts';
import { canTransition } from '../../domain/file-status.ts';
import { AppError, conflict } from '../../errors.ts';
import type { Scanner, ScanVerdict } from '../../scan/scanner.ts';
import { BlobExists, type BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import type { FileAccess } from './access.ts';
import { refreshFileFromVersions } from './current-version.ts';
import { toFileView, type FileView } from './file-view.ts';
import { quarantineKey } from './keys.ts';

/** Counted on /metrics (each app's registry registers them): what the scans decide, and how long they take. */
export const scanVerdicts = new Counter({
  name: 'vitae_scan_verdicts_total',
  help: 'Scan verdicts by result (clean, infected, rejected)',
  labelNames: ['result'] as const,
  registers: [],
});
export const scanSeconds = new Histogram({
  name: 'vitae_scan_duration_seconds',
  help: 'Time to scan one file version with every scanner, reading it from the blob store included',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [],
});

/** Notified after a verdict commits (outbound webhooks, candidate parsing). */
export type VerdictListener = (event: { fileId: string; version: number; orgId: string | null; result: ScanVerdict['result']; tx: Tx }) => Promise<void>;

interface ScanPipelineDeps {
  db: Db;
  store: BlobStore;
  audit: AuditLog;
  scanners: Scanner[];
  access: FileAccess;
}

/**
 * `uploaded → scanning → clean | infected | rejected`. The scanners run in order (built-in
 * checks first, then the malware engine); the first verdict that is not clean decides. A scanner
 * that is down throws, the job is retried with backoff and the file stays `scanning`: nothing
 * becomes clean without every configured scanner having looked at it.
 */
export class ScanPipeline {
  private readonly deps: ScanPipelineDeps;
  private readonly listeners: VerdictListener[] = [];

  constructor(deps: ScanPipelineDeps) {
    this.deps = deps;
  }

  onVerdict(listener: VerdictListener): void {
    this.listeners.push(listener);
  }

  /** The queue job. Idempotent: a version that is no longer waiting for a scan is left alone. */
  async scanVersion(fileId: string, versionNumber: number, options: { rescan?: boolean } = {}): Promise<void> {
    const version = await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.lockVersion(tx, fileId, versionNumber);
      const waiting = row && canTransition(row.status, 'scanning') && (row.status !== 'clean' || options.rescan === true);
      if (!row || !waiting) return null;
      const file = await tx.selectFrom('files').select(['erased_at']).where('id', '=', fileId).executeTakeFirstOrThrow();
      if (file.erased_at) return null;
      await tx
        .updateTable('file_versions')
        .set({ status: 'scanning', updated_at: new Date() })
        .where('file_id', '=', fileId)
        .where('version', '=', versionNumber)
        .execute();
      await refreshFileFromVersions(tx, fileId);
      return row;
    });
    if (!version) return;

    const endTimer = scanSeconds.startTimer();
    const verdict = await this.runScanners(version);
    endTimer();
    scanVerdicts.inc({ result: verdict.result });
    await this.applyVerdict(SYSTEM_CONTEXT, version, verdict, options.rescan ? 'file.rescanned' : 'file.scanned');
  }

  /** `PATCH /files/{id}/scan-result`: an external scanner reports on the newest version waiting for a scan. */
  async applyExternalResult(
    ctx: RequestContext,
    fileId: string,
    report: { result: 'clean' | 'infected'; engine: string; signature?: string },
  ): Promise<FileView> {
    await this.deps.access.load(ctx, fileId, 'file.scan_result', 'file.scanned');
    const version = await this.deps.db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_id', '=', fileId)
      .where('status', 'in', ['uploaded', 'scanning'])
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (!version) throw conflict('not_scanning', 'This file is not waiting for a scan result.');
    const verdict: ScanVerdict =
      report.result === 'infected'
        ? { result: 'infected', engine: report.engine, signature: report.signature ?? 'unspecified' }
        : // The built-in checks still have the last word on a file an external engine calls clean.
          await this.runScanners(version, { clean: { result: 'clean', engine: report.engine } });
    await this.applyVerdict(ctx.audit, version, verdict, 'file.scanned');
    return toFileView(await this.deps.db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirstOrThrow());
  }

  private async runScanners(version: FileVersionRow, options: { clean?: ScanVerdict } = {}): Promise<ScanVerdict> {
    // The bytes scanned must be the bytes that were checked at upload: anything else is refused.
    if (version.sha256 && (await sha256Of(await this.deps.store.get(version.storage_key))) !== version.sha256) {
      return { result: 'rejected', engine: 'integrity', reason: 'content_changed', detail: 'The stored bytes differ from the ones checked at upload.' };
    }
    const subject = {
      open: () => this.deps.store.get(version.storage_key),
      size: Number(version.size),
      contentType: version.content_type,
      category: await this.categoryOf(version.file_id),
    };
    let last: ScanVerdict | undefined = options.clean;
    for (const scanner of this.deps.scanners) {
      const verdict = await scanner.scan(subject);
      if (verdict.result !== 'clean') return verdict;
      last = last ?? verdict;
    }
    if (!last) throw new AppError(500, 'no_scanner', 'No scanner is configured.');
    return { ...last, engine: this.deps.scanners.map((s) => s.name).join('+') || last.engine };
  }

  private async applyVerdict(context: AuditContext, version: FileVersionRow, verdict: ScanVerdict, action: string): Promise<void> {
    const { file_id: fileId, version: number } = version;
    const blocked = verdict.result !== 'clean';
    const qKey = quarantineKey(fileId, number);
    // Blob first: the quarantined copy exists before any row says so (already there after a crash
    // between the copy and the commit: the source never changes, so that copy is the same bytes).
    if (blocked)
      await this.deps.store.copy(version.storage_key, qKey).catch((error: unknown) => {
        if (!(error instanceof BlobExists)) throw error;
      });
    const summary: ScanSummary = {
      engine: verdict.engine,
      engine_version: verdict.engineVersion ?? null,
      result: verdict.result,
      signature: verdict.result === 'infected' ? verdict.signature : null,
      reason: verdict.result === 'rejected' ? verdict.reason : null,
    };
    const applied = await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.lockVersion(tx, fileId, number);
      if (!row || row.status === 'infected' || row.status === 'rejected') return false;
      const now = new Date();
      await tx
        .updateTable('file_versions')
        .set({
          status: verdict.result,
          status_reason: verdict.result === 'rejected' ? verdict.reason : verdict.result === 'infected' ? verdict.signature : null,
          scan: JSON.stringify(summary),
          scanned_at: now,
          updated_at: now,
          ...(blocked ? { quarantine_key: qKey, quarantined_at: now } : {}),
        })
        .where('file_id', '=', fileId)
        .where('version', '=', number)
        .execute();
      await refreshFileFromVersions(tx, fileId);
      const file = await tx.selectFrom('files').select(['org_id', 'owner_id']).where('id', '=', fileId).executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, context, {
        action,
        orgId: file.org_id,
        fileId,
        subjectUserId: file.owner_id,
        details: {
          version: number,
          result: verdict.result,
          engine: summary.engine,
          engine_version: summary.engine_version,
          signature: summary.signature,
          reason: summary.reason,
        },
      });
      for (const listener of this.listeners) await listener({ fileId, version: number, orgId: file.org_id, result: verdict.result, tx });
      return true;
    });
    // The original bytes go only once the row points at the quarantined copy.
    if (blocked && applied) await this.deps.store.delete(version.storage_key);
  }

  /**
   * Locks the file's row, then the version's. Every transaction that changes a file locks in this
   * order (file first), so that a scan finishing while the file is erased cannot deadlock.
   */
  private async lockVersion(tx: Tx, fileId: string, version: number): Promise<FileVersionRow | undefined> {
    await tx.selectFrom('files').select('id').where('id', '=', fileId).forUpdate().execute();
    return tx.selectFrom('file_versions').selectAll().where('file_id', '=', fileId).where('version', '=', version).forUpdate().executeTakeFirst();
  }

  private async categoryOf(fileId: string): Promise<string> {
    const file = await this.deps.db.selectFrom('files').select('category').where('id', '=', fileId).executeTakeFirstOrThrow();
    return file.category;
  }
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
