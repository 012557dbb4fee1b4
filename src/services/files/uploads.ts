import { pipeline as pipelineCallback, Writable, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Config } from '../../config.ts';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { FileRow } from '../../db/schema.ts';
import { categoryRules, checkDetectedType, validateDeclaredUpload, type CategoryRules } from '../../domain/categories.ts';
import { sanitizeFilename } from '../../domain/filename.ts';
import { newId } from '../../domain/ids.ts';
import { authorize, mayUploadCategory } from '../../domain/policy.ts';
import { AppError, conflict, forbidden, notFound } from '../../errors.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { scopeOfOwner, type QuotaScope, type Quotas, type StreamRoom } from '../limits/quotas.ts';
import type { RequestContext } from '../context.ts';
import type { FileAccess } from './access.ts';
import { refreshFileFromVersions } from './current-version.ts';
import { toFileView, type FileView } from './file-view.ts';
import { InspectingStream, type Inspection } from './inspect.ts';
import { stagingKey, versionKey } from './keys.ts';

export interface DeclaredUpload {
  filename: string;
  content_type: string;
  size: number;
  category: string;
}

export interface InitiatedUpload {
  file_id: string;
  version: number;
  upload: { url: string; method: 'PUT'; headers: Record<string, string>; expires_at: string };
}

export interface StreamedUpload {
  filename: string;
  category: string;
  body: Readable;
}

interface UploadServiceDeps {
  db: Db;
  store: BlobStore;
  queue: JobQueue;
  audit: AuditLog;
  access: FileAccess;
  config: Config;
  quotas: Quotas;
}

/**
 * Both upload paths end in the same state (`uploaded`, scan enqueued):
 * - pre-signed: `initiate` (validate, row `pending_upload`, signed PUT) then `complete` (verify the
 *   stored object by size, magic bytes and sha256);
 * - streamed: `uploadStream` pipes the bytes into the store while hashing and sniffing them.
 * Blob first, row second: a crash leaves at most an orphan blob, which the reconciler removes.
 */
export class UploadService {
  private readonly deps: UploadServiceDeps;
  private readonly rules: CategoryRules;

  constructor(deps: UploadServiceDeps) {
    this.deps = deps;
    this.rules = categoryRules(deps.config.uploads.maxSizeOverrides);
  }

  async initiate(ctx: RequestContext, declared: DeclaredUpload): Promise<InitiatedUpload> {
    const contentType = this.validateDeclared(declared);
    const owner = this.ownerOf(ctx, declared.category);
    const file = { id: newId(), category: declared.category, ...owner };
    const key = versionKey(file, 1);
    const filename = sanitizeFilename(declared.filename);
    // One statement (the file, its first version and the audit entry): signing URLs is the hot path.
    // Under a quota, that statement runs in the transaction that checked it, before any byte is sent.
    await this.deps.quotas.admit(scopeOfOwner(owner), declared.size, (executor) =>
      this.deps.audit.append(
        executor,
        ctx.audit,
        {
          action: 'file.upload_initiated',
          orgId: file.org_id,
          fileId: file.id,
          subjectUserId: file.owner_id,
          details: { category: declared.category, size: declared.size, version: 1 },
        },
        [
          this.deps.db.insertInto('files').values({
            ...file,
            filename,
            content_type: contentType,
            size: declared.size,
            sha256: null,
            status: 'pending_upload',
            status_reason: null,
            scan: null,
            scanned_at: null,
            deleted_at: null,
            erased_at: null,
          }),
          this.pendingVersion(file.id, 1, key, filename, contentType, declared.size, ctx, executor),
        ],
      ),
    );
    return { file_id: file.id, version: 1, upload: await this.signPut(this.uploadKey(file.id, 1, key), contentType, declared.size) };
  }

  async initiateVersion(ctx: RequestContext, fileId: string, declared: Omit<DeclaredUpload, 'category'>): Promise<InitiatedUpload> {
    const existing = await this.deps.access.load(ctx, fileId, 'file.add_version', 'file.version_added');
    const contentType = this.validateDeclared({ ...declared, category: existing.category });
    const filename = sanitizeFilename(declared.filename);
    const scope = scopeOfOwner(existing);
    const limits = scope ? await this.deps.quotas.limits(scope) : null;
    const version = await this.deps.db.transaction().execute(async (tx) => {
      const file = await this.lockLiveFile(tx, fileId);
      if (limits) await this.deps.quotas.admitIn(tx, scope, limits, declared.size);
      const next = file.latest_version + 1;
      await this.pendingVersion(file.id, next, versionKey(file, next), filename, contentType, declared.size, ctx, tx).execute();
      await tx.updateTable('files').set({ latest_version: next, updated_at: new Date() }).where('id', '=', file.id).execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'file.version_initiated',
        orgId: file.org_id,
        fileId: file.id,
        subjectUserId: file.owner_id,
        details: { version: next, size: declared.size },
      });
      return next;
    });
    return { file_id: fileId, version, upload: await this.signPut(this.uploadKey(fileId, version, versionKey(existing, version)), contentType, declared.size) };
  }

  /** Verifies what the client PUT to the pre-signed URL, then hands the file to the scanner. */
  async complete(ctx: RequestContext, fileId: string): Promise<FileView> {
    const file = await this.deps.access.load(ctx, fileId, 'file.add_version', 'file.uploaded');
    const pending = await this.deps.db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_id', '=', fileId)
      .where('status', '=', 'pending_upload')
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (!pending) throw conflict('not_pending', 'This upload has already been completed.');

    await this.takeStagedUpload(pending.file_id, pending.version, pending.storage_key);
    const head = await this.deps.store.head(pending.storage_key);
    if (!head) throw conflict('upload_missing', 'Nothing has been uploaded to the signed URL yet.');
    if (head.size !== Number(pending.declared_size)) {
      await this.deps.store.delete(pending.storage_key);
      throw new AppError(422, 'size_mismatch', `The uploaded object has ${head.size} bytes, but ${pending.declared_size} were declared.`);
    }
    const inspector = new InspectingStream({ maxBytes: Number(pending.declared_size), category: file.category });
    await pipeline(await this.deps.store.get(pending.storage_key), inspector, discard());
    const inspection = await inspector.inspection();
    await this.rejectUnlessExpected(pending.storage_key, file.category, inspection, pending.content_type);

    return this.deps.db.transaction().execute(async (tx) => {
      // File row first, then the version: the lock order of every transaction that changes a file.
      await tx.selectFrom('files').select('id').where('id', '=', fileId).forUpdate().execute();
      const version = await tx
        .selectFrom('file_versions')
        .select('status')
        .where('file_id', '=', fileId)
        .where('version', '=', pending.version)
        .forUpdate()
        .executeTakeFirst();
      if (version?.status !== 'pending_upload') throw conflict('not_pending', 'This upload has already been completed.');
      await this.markUploaded(tx, ctx, file, pending.version, inspection);
      return toFileView(await tx.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirstOrThrow());
    });
  }

  /**
   * Whether a pre-signed PUT to `key` may still write: only while its version waits for the upload
   * and its file is live. Asked by the local store's upload route before it reads a byte.
   */
  async acceptsUpload(key: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select('file_versions.version')
      .where('file_versions.storage_key', '=', key)
      .where('file_versions.status', '=', 'pending_upload')
      .where('files.deleted_at', 'is', null)
      .where('files.erased_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The key a pre-signed PUT writes to. Local: the version's own key, which the store writes once
   * and the upload route opens only while the version is pending. S3: a staging key, copied into
   * place at `complete`, so that a replayed URL can never reach the checked bytes.
   */
  private uploadKey(fileId: string, version: number, finalKey: string): string {
    return this.deps.store.driver === 's3' ? stagingKey(fileId, version) : finalKey;
  }

  /** S3: moves the staged upload (if any) to the version's key; the checks then read it there. */
  private async takeStagedUpload(fileId: string, version: number, finalKey: string): Promise<void> {
    const staged = this.uploadKey(fileId, version, finalKey);
    if (staged === finalKey || !(await this.deps.store.exists(staged))) return;
    await this.deps.store.copy(staged, finalKey);
    await this.deps.store.delete(staged);
  }

  /** The streamed path (`POST /files`): the bytes go straight into the store, checked on the way. */
  async uploadStream(ctx: RequestContext, upload: StreamedUpload): Promise<FileView> {
    const rule = this.rules[upload.category as keyof CategoryRules];
    if (!rule) throw new AppError(400, 'invalid_category', `Unknown category ${JSON.stringify(upload.category)}.`);
    const owner = this.ownerOf(ctx, upload.category);
    const scope = scopeOfOwner(owner);
    const room = await this.deps.quotas.admitStream(scope);
    const file = { id: newId(), category: upload.category, ...owner };
    const key = versionKey(file, 1);
    const filename = sanitizeFilename(upload.filename);
    const { inspection, durable } = await this.streamIntoStore(key, upload.body, upload.category, this.streamLimit(scope, room, rule.maxSize));

    return this.commitOrRemoveBlob(key, durable, async (tx) => {
      await this.deps.quotas.confirmStream(tx, scope, room, inspection.size);
      // The row as inserted is the answer (nothing else in the transaction changes it), and the version
      // rides in the audit entry's statement: fewer round trips in a transaction that waits on none.
      const row = await tx
        .insertInto('files')
        .values({
          ...file,
          filename,
          content_type: inspection.detectedType!,
          size: inspection.size,
          sha256: inspection.sha256,
          status: 'uploaded',
          status_reason: null,
          scan: null,
          scanned_at: null,
          deleted_at: null,
          erased_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(
        tx,
        ctx.audit,
        {
          action: 'file.uploaded',
          orgId: file.org_id,
          fileId: file.id,
          subjectUserId: file.owner_id,
          details: { category: upload.category, size: inspection.size, version: 1, path: 'stream' },
        },
        [this.streamedVersion(tx, file.id, 1, key, filename, inspection, ctx)],
      );
      await this.deps.queue.send(JOBS.scanFile, { fileId: file.id, version: 1 }, { tx });
      return toFileView(row);
    });
  }

  async uploadVersionStream(ctx: RequestContext, fileId: string, upload: Omit<StreamedUpload, 'category'>): Promise<FileView> {
    const existing = await this.deps.access.load(ctx, fileId, 'file.add_version', 'file.version_added');
    const rule = this.rules[existing.category as keyof CategoryRules];
    const scope = scopeOfOwner(existing);
    const room = await this.deps.quotas.admitStream(scope);
    // The version number is reserved first so that concurrent uploads never share a key.
    const version = await this.deps.db.transaction().execute(async (tx) => {
      const file = await this.lockLiveFile(tx, fileId);
      await tx
        .updateTable('files')
        .set({ latest_version: file.latest_version + 1 })
        .where('id', '=', fileId)
        .execute();
      return file.latest_version + 1;
    });
    const key = versionKey(existing, version);
    const filename = sanitizeFilename(upload.filename);
    const { inspection, durable } = await this.streamIntoStore(key, upload.body, existing.category, this.streamLimit(scope, room, rule.maxSize));
    return this.commitOrRemoveBlob(key, durable, async (tx) => {
      await this.lockLiveFile(tx, fileId);
      await this.deps.quotas.confirmStream(tx, scope, room, inspection.size);
      await this.streamedVersion(tx, fileId, version, key, filename, inspection, ctx).execute();
      await refreshFileFromVersions(tx, fileId);
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'file.version_added',
        orgId: existing.org_id,
        fileId,
        subjectUserId: existing.owner_id,
        details: { version, size: inspection.size, path: 'stream' },
      });
      await this.deps.queue.send(JOBS.scanFile, { fileId, version }, { tx });
      return toFileView(await tx.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirstOrThrow());
    });
  }

  /** A stream stops at its category's size, or sooner at the bytes left in its quota (then with the quota's 413). */
  private streamLimit(scope: QuotaScope | null, room: StreamRoom, maxSize: number): { maxBytes: number; tooLarge?: () => AppError } {
    const { bytesLeft } = room;
    if (!scope || bytesLeft === null || bytesLeft >= maxSize) return { maxBytes: maxSize };
    return { maxBytes: bytesLeft, tooLarge: () => this.deps.quotas.streamTooLarge(scope, { ...room, bytesLeft }) };
  }

  /**
   * Streams the body into the store, inspecting it on the way. Resolves once every byte has been
   * inspected and checked, with `durable`, which settles when the store holds the bytes durably
   * (the local store's fsyncs and renames still run then): the caller's database work overlaps
   * them, and commits only after `durable` (see commitOrRemoveBlob).
   */
  private async streamIntoStore(
    key: string,
    body: Readable,
    category: string,
    limit: { maxBytes: number; tooLarge?: () => AppError },
  ): Promise<{ inspection: Inspection; durable: Promise<void> }> {
    const inspector = new InspectingStream({ ...limit, category });
    // If the client aborts or the limit trips, the error travels both ways along the pipe: the
    // request body is destroyed, and the store sees the error and removes its partial write.
    pipelineCallback(body, inspector, () => {});
    const durable = this.deps.store.put(key, inspector, {}).then(() => {});
    durable.catch(() => {}); // awaited below or by the caller: never an unhandled rejection meanwhile
    const inspected = await finished(inspector, { writable: false }).then(
      () => true,
      () => false,
    );
    // The stream failed (a limit, a client gone, the store refusing): the store's error, as it reports it.
    if (!inspected) {
      await durable;
      throw new AppError(400, 'upload_failed', 'The upload did not complete.');
    }
    const inspection = await inspector.inspection();
    if (inspection.size === 0 || checkDetectedType(category, inspection.detectedType, null)) {
      await durable.catch(() => {}); // a refused blob is removed once its write has settled
      if (inspection.size === 0) {
        await this.deps.store.delete(key);
        throw new AppError(400, 'empty_file', 'The file is empty.');
      }
      await this.rejectUnlessExpected(key, category, inspection, null);
    }
    return { inspection, durable };
  }

  /** The detected type decides: never the name, never the client's header. */
  private async rejectUnlessExpected(key: string, category: string, inspection: Inspection, declaredType: string | null): Promise<void> {
    const problem = checkDetectedType(category, inspection.detectedType, declaredType);
    if (problem) {
      await this.deps.store.delete(key);
      throw new AppError(problem.status, problem.code, problem.message);
    }
  }

  /** Commits `work` once the blob is durable, or removes the blob: never a row naming bytes that a crash could lose. */
  private async commitOrRemoveBlob<T>(key: string, durable: Promise<void>, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.deps.db.transaction().execute(async (tx) => {
        const result = await work(tx);
        await durable;
        return result;
      });
    } catch (error) {
      await durable.catch(() => {});
      await this.deps.store.delete(key).catch(() => {}); // else the reconciler removes it
      throw error;
    }
  }

  private async markUploaded(tx: Tx, ctx: RequestContext, file: FileRow, version: number, inspection: Inspection): Promise<void> {
    await tx
      .updateTable('file_versions')
      .set({ status: 'uploaded', size: inspection.size, sha256: inspection.sha256, content_type: inspection.detectedType!, updated_at: new Date() })
      .where('file_id', '=', file.id)
      .where('version', '=', version)
      .execute();
    await refreshFileFromVersions(tx, file.id);
    await this.deps.audit.append(tx, ctx.audit, {
      action: version === 1 ? 'file.uploaded' : 'file.version_added',
      orgId: file.org_id,
      fileId: file.id,
      subjectUserId: file.owner_id,
      details: { version, size: inspection.size, path: 'presigned' },
    });
    await this.deps.queue.send(JOBS.scanFile, { fileId: file.id, version }, { tx });
  }

  private pendingVersion(
    fileId: string,
    version: number,
    key: string,
    filename: string,
    contentType: string,
    size: number,
    ctx: RequestContext,
    executor: Executor = this.deps.db,
  ) {
    return executor.insertInto('file_versions').values({
      file_id: fileId,
      version,
      storage_key: key,
      filename,
      content_type: contentType,
      declared_size: size,
      size: null,
      sha256: null,
      status: 'pending_upload',
      status_reason: null,
      scan: null,
      scanned_at: null,
      quarantine_key: null,
      quarantined_at: null,
      created_by: ctx.audit.actorId,
    });
  }

  /** The row of a version whose bytes were streamed through the server: checked and stored, awaiting its scan. */
  private streamedVersion(tx: Tx, fileId: string, version: number, key: string, filename: string, inspection: Inspection, ctx: RequestContext) {
    return tx.insertInto('file_versions').values({
      file_id: fileId,
      version,
      storage_key: key,
      filename,
      content_type: inspection.detectedType!,
      declared_size: inspection.size,
      size: inspection.size,
      sha256: inspection.sha256,
      status: 'uploaded',
      status_reason: null,
      scan: null,
      scanned_at: null,
      quarantine_key: null,
      quarantined_at: null,
      created_by: ctx.audit.actorId,
    });
  }

  private async lockLiveFile(tx: Tx, fileId: string): Promise<FileRow> {
    const file = await tx.selectFrom('files').selectAll().where('id', '=', fileId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
    if (!file) throw notFound('File');
    return file;
  }

  private validateDeclared(declared: DeclaredUpload): string {
    const result = validateDeclaredUpload({ category: declared.category, contentType: declared.content_type, size: declared.size }, this.rules);
    if (!result.ok) throw new AppError(result.status, result.code, result.message);
    return result.contentType;
  }

  /** Bulk intake: refused whole (413/429) before its body is read when the caller's quota has no room left. */
  async assertRoom(ctx: RequestContext, category: string): Promise<void> {
    await this.deps.quotas.assertRoom(scopeOfOwner(this.ownerOf(ctx, category)));
  }

  /** Who owns a new file: a candidate owns theirs; a recruiter's or an API key's file belongs to the organization. */
  private ownerOf(ctx: RequestContext, category: string): { owner_id: string | null; org_id: string | null } {
    const { actor } = ctx;
    const orgId = actor.orgId;
    const decision = authorize(actor, 'file.create', { type: 'org_scope', orgId });
    if (!decision.allowed) throw forbidden('You may not upload files.');
    const allowedCategory = mayUploadCategory(actor, category);
    if (!allowedCategory.allowed) throw new AppError(403, 'category_not_allowed', `You may not upload a ${category}: ${allowedCategory.reason}.`);
    return actor.kind === 'user' ? { owner_id: actor.userId, org_id: actor.role === 'recruiter' ? orgId : null } : { owner_id: null, org_id: orgId };
  }

  private async signPut(key: string, contentType: string, size: number): Promise<InitiatedUpload['upload']> {
    const signed = await this.deps.store.presignPut(key, { contentType, contentLength: size, expiresInSeconds: this.deps.config.uploads.urlTtlSeconds });
    return { url: signed.url, method: 'PUT', headers: signed.headers, expires_at: signed.expiresAt.toISOString() };
  }
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
