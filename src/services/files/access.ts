import { CompiledQuery } from 'kysely';
import { CoalescedReads } from '../../db/coalesced-reads.ts';
import type { Db, Executor } from '../../db/database.ts';
import { preparedStatement } from '../../db/prepared.ts';
import type { FileRow, FileVersionRow } from '../../db/schema.ts';
import { authorize, type Action, type Actor, type Decision } from '../../domain/policy.ts';
import { alreadyAudited, notFound } from '../../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { refusal } from '../authorize.ts';

interface FileAccessDeps {
  db: Db;
  audit: AuditLog;
}

/**
 * Loads a file and asks the access policy whether the caller may act on it. A refusal is
 * audited (with the file's organization, so that its admins see attempts on their files) and
 * answers 404 when the caller may not even see the file, 403 when they may see but not act.
 */
export class FileAccess {
  private readonly deps: FileAccessDeps;
  private readonly served: CoalescedReads<ServedKey, ServedRow | undefined>;
  private readonly live: CoalescedReads<string, FileRow | undefined>;
  constructor(deps: FileAccessDeps) {
    this.deps = deps;
    this.served = new CoalescedReads({ maxInFlight: 2, maxBatch: 64, read: (keys) => this.readServed(keys) });
    this.live = new CoalescedReads({ maxInFlight: 2, maxBatch: 64, read: (ids) => this.readLive(ids) });
  }

  /**
   * Loads the file and checks the caller's access. A plain read of a live file (no transaction, no
   * lock: metadata, versions…) shares its statement with concurrent requests (see CoalescedReads);
   * each request's own access check then runs on its own row, so a batch never answers one caller
   * with another's decision.
   */
  async load(
    ctx: RequestContext,
    fileId: string,
    action: Action,
    auditAction: string,
    options: { includeDeleted?: boolean; tx?: Executor; forUpdate?: boolean } = {},
  ): Promise<FileRow> {
    const file = await this.find(fileId, options);
    if (!file) throw notFound('File');
    await this.check(ctx, file, action, auditAction, options.tx ?? this.deps.db);
    return file;
  }

  private find(fileId: string, options: { includeDeleted?: boolean; tx?: Executor; forUpdate?: boolean }): Promise<FileRow | undefined> {
    if (!options.tx && !options.forUpdate && !options.includeDeleted) return this.live.load(fileId);
    let query = (options.tx ?? this.deps.db).selectFrom('files').selectAll().where('id', '=', fileId);
    if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
    return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  /**
   * `load` for serving bytes: the live file and one of its versions (`version`, else the file's
   * current one); `version` is null when the file has no such version. Concurrent requests' lookups
   * share statements (see CoalescedReads): downloads and signed download URLs are a hot path.
   */
  async loadWithVersion(
    ctx: RequestContext,
    fileId: string,
    versionNumber: number | undefined,
    action: Action,
    auditAction: string,
  ): Promise<{ file: ServedFile; version: ServedVersion | null }> {
    const row = await this.served.load({ fileId, version: versionNumber ?? null });
    if (!row) throw notFound('File');
    const { v_version, v_storage_key, v_filename, v_content_type, v_size, v_sha256, v_status, ...file } = row;
    await this.check(ctx, file, action, auditAction, this.deps.db);
    const found = v_version !== null && v_storage_key !== null && v_content_type !== null && v_status !== null;
    return {
      file,
      version: found
        ? {
            version: v_version,
            storage_key: v_storage_key,
            filename: v_filename,
            content_type: v_content_type,
            size: v_size,
            sha256: v_sha256,
            status: v_status,
          }
        : null,
    };
  }

  /** One statement for many lookups: each key's live file and the version it asks for (its current one when null), in the keys' order. */
  private async readServed(keys: ServedKey[]): Promise<(ServedRow | undefined)[]> {
    const values = [keys.map((k) => k.fileId), keys.map((k) => k.version)];
    const { rows } = await this.deps.db.executeQuery<ServedRow & { ord: number }>(CompiledQuery.raw(SERVED_LOOKUP, values));
    const byPosition = new Map(rows.map(({ ord, ...row }) => [Number(ord), row]));
    return keys.map((_, i) => byPosition.get(i + 1));
  }

  /** One statement for many lookups: each id's live file, in the ids' order. */
  private async readLive(ids: string[]): Promise<(FileRow | undefined)[]> {
    const { rows } = await this.deps.db.executeQuery<FileRow & { ord: number }>(CompiledQuery.raw(LIVE_LOOKUP, [ids]));
    const byPosition = new Map(rows.map(({ ord, ...row }) => [Number(ord), row]));
    return ids.map((_, i) => byPosition.get(i + 1));
  }

  /** The decision for a loaded file: returns, or audits the refusal and throws. */
  private async check(ctx: RequestContext, file: ServedFile, action: Action, auditAction: string, executor: Executor): Promise<void> {
    const decision = await this.decide(ctx.actor, file, action, executor);
    if (decision.allowed) return;
    await this.deps.audit.denied(ctx.audit, {
      action: auditAction,
      orgId: file.org_id,
      fileId: file.id,
      subjectUserId: file.owner_id,
      details: { reason: decision.reason },
    });
    throw alreadyAudited(refusal(decision, 'File'));
  }

  /** The policy's answer for a loaded file, with its shares looked up only when they can matter. */
  async decide(actor: Actor, file: Pick<FileRow, 'id' | 'owner_id' | 'org_id'>, action: Action, executor: Executor = this.deps.db): Promise<Decision> {
    const resource = { type: 'file' as const, ownerId: file.owner_id, orgId: file.org_id, sharedWithOrgIds: [] as string[] };
    const decision = authorize(actor, action, resource);
    // Shares only matter to an organization that does not own the file.
    if (decision.allowed || !actor.orgId || actor.orgId === file.org_id) return decision;
    return authorize(actor, action, { ...resource, sharedWithOrgIds: await this.sharedWithOrgIds(executor, file.id) });
  }

  /** Organizations that see this file through a live application (see the hiring workflow). */
  async sharedWithOrgIds(executor: Executor, fileId: string): Promise<string[]> {
    const rows = await executor
      .selectFrom('applications')
      .select('org_id')
      .where('withdrawn_at', 'is', null)
      .where((eb) => eb.or([eb('resume_file_id', '=', fileId), eb('cover_letter_file_id', '=', fileId)]))
      .execute();
    return [...new Set(rows.map((row) => row.org_id))];
  }
}

/** Every column of a file's row, named: a prepared statement may not select `*` (see preparedStatement). */
const FILE_COLUMNS: Record<keyof FileRow, true> = {
  id: true,
  owner_id: true,
  org_id: true,
  category: true,
  filename: true,
  content_type: true,
  size: true,
  sha256: true,
  status: true,
  status_reason: true,
  version: true,
  latest_version: true,
  scan: true,
  scanned_at: true,
  created_at: true,
  updated_at: true,
  deleted_at: true,
  erased_at: true,
};

/** Live files by id, in the order of `$1` (see FileAccess.load). */
const LIVE_LOOKUP = preparedStatement(`
  SELECT k.ord, ${Object.keys(FILE_COLUMNS)
    .map((column) => `f.${column}`)
    .join(', ')}
  FROM unnest($1::uuid[]) WITH ORDINALITY AS k (id, ord)
  JOIN files f ON f.id = k.id AND f.deleted_at IS NULL`);

/** Live files and the versions asked for ($2: null for the current one), in the order of `$1` (see FileAccess.loadWithVersion). */
const SERVED_LOOKUP = preparedStatement(`
  SELECT k.ord, f.id, f.owner_id, f.org_id,
         v.version AS v_version, v.storage_key AS v_storage_key, v.filename AS v_filename, v.content_type AS v_content_type,
         v.size AS v_size, v.sha256 AS v_sha256, v.status AS v_status
  FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS k (id, version, ord)
  JOIN files f ON f.id = k.id AND f.deleted_at IS NULL
  LEFT JOIN file_versions v ON v.file_id = f.id AND v.version = coalesce(k.version, f.version)`);

/** What serving a file needs of its row: whose it is. */
export type ServedFile = Pick<FileRow, 'id' | 'owner_id' | 'org_id'>;

interface ServedKey {
  fileId: string;
  version: number | null;
}

type ServedRow = ServedFile & {
  v_version: number | null;
  v_storage_key: string | null;
  v_filename: string | null;
  v_content_type: string | null;
  v_size: number | null;
  v_sha256: string | null;
  v_status: FileVersionRow['status'] | null;
};

/** What serving a version needs. */
export type ServedVersion = Pick<FileVersionRow, 'version' | 'storage_key' | 'filename' | 'content_type' | 'size' | 'sha256' | 'status'>;
