import { pipeline, type Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { AuditEventRow, FileRow } from '../../db/schema.ts';
import { MIME } from '../../domain/categories.ts';
import { CsvFormulaNeutralizer } from '../../domain/csv-formulas.ts';
import { contentDisposition } from '../../domain/filename.ts';
import { authorize } from '../../domain/policy.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { BlobStore, ByteRange } from '../../storage/blob-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import type { FileAccess, ServedFile, ServedVersion } from './access.ts';
import { grantFor } from './download-grants.ts';
import { eraseFile } from './erasure.ts';
import { toFileView, toVersionView, type FileView, type VersionView } from './file-view.ts';
import { keysetPage } from '../../db/keyset.ts';
import type { Page } from '../../domain/pagination.ts';

export interface FileListFilter {
  category?: string;
  status?: string;
  owner_id?: string;
}

export interface ContentResponse {
  /** Null for HEAD and for 304/416 answers. */
  body: Readable | null;
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
}

interface FileServiceDeps {
  db: Db;
  store: BlobStore;
  audit: AuditLog;
  access: FileAccess;
  config: Config;
}

/** Reading, listing, downloading and deleting files; every access is authorized and audited. */
export class FileService {
  private readonly deps: FileServiceDeps;

  constructor(deps: FileServiceDeps) {
    this.deps = deps;
  }

  async get(ctx: RequestContext, fileId: string): Promise<FileView> {
    const file = await this.deps.access.load(ctx, fileId, 'file.read', 'file.metadata_read');
    await this.deps.audit.append(this.deps.db, ctx.audit, { action: 'file.metadata_read', orgId: file.org_id, fileId, subjectUserId: file.owner_id });
    return toFileView(file);
  }

  /** The caller's visible files, newest first, keyset-paginated on (created_at, id). */
  async list(ctx: RequestContext, filter: FileListFilter, page: { limit: number; cursor?: string }): Promise<Page<FileView>> {
    const { actor } = ctx;
    let query = this.deps.db.selectFrom('files').selectAll().where('deleted_at', 'is', null);
    if (actor.kind === 'user' && actor.role === 'candidate') {
      query = query.where('owner_id', '=', actor.userId);
    } else {
      if (!authorize(actor, 'file.read', { type: 'file', ownerId: null, orgId: actor.orgId, sharedWithOrgIds: [] }).allowed) throw forbidden();
      query = query.where('org_id', '=', actor.orgId!);
    }
    if (filter.category) query = query.where('category', '=', filter.category);
    if (filter.status) query = query.where('status', '=', filter.status as FileRow['status']);
    if (filter.owner_id) query = query.where('owner_id', '=', filter.owner_id);
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, page);
    return { items: items.map(toFileView), next_cursor };
  }

  async versions(ctx: RequestContext, fileId: string): Promise<VersionView[]> {
    await this.deps.access.load(ctx, fileId, 'file.read', 'file.metadata_read');
    const rows = await this.deps.db.selectFrom('file_versions').selectAll().where('file_id', '=', fileId).orderBy('version', 'desc').execute();
    return rows.map(toVersionView);
  }

  /**
   * A pre-signed GET URL; its response downloads the file under its sanitized original name. The
   * URL names its grantee: the local store checks at each use that the access still holds. A file
   * the caller sees through an application (the candidate may withdraw it, or delete the file) gets
   * a URL of at most SHARED_DOWNLOAD_URL_TTL_SECONDS, since an S3 URL cannot be checked when used.
   */
  async downloadUrl(ctx: RequestContext, fileId: string, requestedVersion?: number): Promise<{ url: string; expires_at: string; version: number }> {
    const { file, version } = await this.downloadable(ctx, fileId, requestedVersion, 'file.download_url_issued');
    const { urlTtlSeconds, sharedUrlTtlSeconds } = this.deps.config.downloads;
    const shared = ctx.actor.orgId !== null && ctx.actor.orgId !== file.org_id;
    const signed = await this.deps.store.presignGet(version.storage_key, {
      expiresInSeconds: shared ? Math.min(urlTtlSeconds, sharedUrlTtlSeconds) : urlTtlSeconds,
      grant: grantFor(ctx.actor, file.id),
      contentDisposition: contentDisposition(version.filename ?? 'file'),
      contentType: version.content_type,
    });
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'file.download_url_issued',
      orgId: file.org_id,
      fileId,
      subjectUserId: file.owner_id,
      details: { version: version.version },
    });
    return { url: signed.url, expires_at: signed.expiresAt.toISOString(), version: version.version };
  }

  /** The bytes, streamed, with a single Range, ETag and If-None-Match. */
  async content(
    ctx: RequestContext,
    fileId: string,
    request: { version?: number; range?: string; ifNoneMatch?: string; head: boolean },
  ): Promise<ContentResponse> {
    const { file, version } = await this.downloadable(ctx, fileId, request.version, 'file.content_read');
    if (version.content_type === MIME.csv) return this.neutralizedCsv(ctx, file, version, request);
    const size = Number(version.size);
    const etag = `"${version.sha256}"`;
    const headers: Record<string, string> = {
      etag,
      'accept-ranges': 'bytes',
      'content-type': version.content_type,
      'content-disposition': contentDisposition(version.filename ?? 'file'),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-cache',
    };
    if (request.ifNoneMatch && request.ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      return { body: null, status: 304, headers };
    }
    const range = request.range ? parseRange(request.range, size) : null;
    if (range === 'unsatisfiable') return { body: null, status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } };
    const span: ByteRange | undefined = range ?? undefined;
    const length = span ? span.end - span.start + 1 : size;
    const result: ContentResponse = {
      body: null,
      status: span ? 206 : 200,
      headers: { ...headers, 'content-length': String(length), ...(span ? { 'content-range': `bytes ${span.start}-${span.end}/${size}` } : {}) },
    };
    if (request.head) return result;
    result.body = await this.deps.store.get(version.storage_key, span);
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'file.content_read',
      orgId: file.org_id,
      fileId,
      subjectUserId: file.owner_id,
      details: { version: version.version, ...(span ? { range: `${span.start}-${span.end}` } : {}) },
    });
    return result;
  }

  /**
   * A CSV is served with its formula cells neutralized (see CsvFormulaNeutralizer), streamed: its
   * length is not known in advance, so no Content-Length and no ranges (a Range header is answered
   * with the whole body, as RFC 9110 allows). The ETag names this representation, not the stored bytes.
   */
  private async neutralizedCsv(
    ctx: RequestContext,
    file: ServedFile,
    version: ServedVersion,
    request: { ifNoneMatch?: string; head: boolean },
  ): Promise<ContentResponse> {
    const etag = `"${version.sha256}-formulas-neutralized"`;
    const headers: Record<string, string> = {
      etag,
      'accept-ranges': 'none',
      'content-type': version.content_type,
      'content-disposition': contentDisposition(version.filename ?? 'file'),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-cache',
    };
    if (request.ifNoneMatch && request.ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*'))
      return { body: null, status: 304, headers };
    if (request.head) return { body: null, status: 200, headers };
    const stored = await this.deps.store.get(version.storage_key);
    const body = new CsvFormulaNeutralizer();
    pipeline(stored, body, () => {}); // an error reaches the response through `body`
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'file.content_read',
      orgId: file.org_id,
      fileId: file.id,
      subjectUserId: file.owner_id,
      details: { version: version.version, formulas_neutralized: true },
    });
    return { body, status: 200, headers };
  }

  /** Soft delete hides the file at once and keeps the bytes for the grace period; `hard` erases now. */
  async delete(ctx: RequestContext, fileId: string, hard: boolean): Promise<void> {
    if (hard) {
      await this.deps.access.load(ctx, fileId, 'file.erase', 'file.erased', { includeDeleted: true });
      await eraseFile({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, ctx.audit, fileId, 'file.erased');
      return;
    }
    const file = await this.deps.access.load(ctx, fileId, 'file.delete', 'file.deleted', { includeDeleted: true });
    if (file.deleted_at) return;
    await this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      const updated = await tx
        .updateTable('files')
        .set({ status: 'deleted', deleted_at: now, updated_at: now })
        .where('id', '=', fileId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return;
      await this.deps.audit.append(tx, ctx.audit, { action: 'file.deleted', orgId: file.org_id, fileId, subjectUserId: file.owner_id });
    });
  }

  async accessLog(ctx: RequestContext, fileId: string, page: { limit: number; cursor?: string }): Promise<Page<AuditEventRow>> {
    await this.deps.access.load(ctx, fileId, 'file.access_log', 'file.access_log_read', { includeDeleted: true });
    return this.deps.audit.list({ fileId }, page);
  }

  /** The file and the version to serve (one lookup, shared with concurrent requests: downloads are a hot path); 423 unless that version is clean. */
  private async downloadable(
    ctx: RequestContext,
    fileId: string,
    requestedVersion: number | undefined,
    auditAction: string,
  ): Promise<{ file: ServedFile; version: ServedVersion }> {
    const { file, version } = await this.deps.access.loadWithVersion(ctx, fileId, requestedVersion, 'file.download', auditAction);
    if (!version) throw notFound('File version');
    if (version.status !== 'clean') {
      const quarantined = version.status === 'infected' || version.status === 'rejected';
      throw new AppError(
        423,
        quarantined ? 'file_quarantined' : 'file_not_ready',
        quarantined
          ? `This file was ${version.status} by the scan and cannot be downloaded.`
          : `This file is ${version.status} and cannot be downloaded until its scan finds it clean.`,
      );
    }
    return { file, version };
  }
}

/** One `bytes=` range (suffix and open-ended forms included); several ranges are answered with the whole file. */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, startText = '', endText = ''] = match;
  if (startText === '' && endText === '') return null;
  if (startText === '') {
    const suffix = Number(endText);
    // No last bytes to give of an empty file (RFC 9110 §14.1.1: the suffix range is unsatisfiable).
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
