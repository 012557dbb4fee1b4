import { sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { upTo } from '../cache-bound.ts';
import type { Config, QuotaLimits } from '../../config.ts';
import type { Db, Executor, Tx } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import type { RateCounters } from './rate-counters.ts';

/** Whose quota an upload counts against: an organization's files, or a candidate's own. */
export type QuotaScope = { kind: 'organization'; orgId: string } | { kind: 'candidate'; userId: string };

/** What the database holds for a scope. */
interface Stored {
  used_bytes: number;
  current_bytes: number;
  files: number;
  versions: number;
}

export interface Usage {
  scope: 'organization' | 'candidate';
  storage: {
    /** Every stored version of the live files, pending uploads at their declared size: what the quota counts. */
    used_bytes: number;
    /** Of those, the current version of each file only. */
    current_bytes: number;
    files: number;
    versions: number;
    /** null: unlimited. */
    limit_bytes: number | null;
  };
  uploads: {
    /** Uploads started in the current window of one hour; null where no limit applies (they are not counted). */
    used: number | null;
    /** null: unlimited. */
    limit_per_hour: number | null;
    /** When the current window ends; null when there is none. */
    resets_at: string | null;
  };
}

const HOUR_MS = 3600 * 1000;
const UNLIMITED: QuotaLimits = { bytes: 0, uploadsPerHour: 0 };

/** What a streamed upload was admitted with: the bytes left (null: unlimited) and the limits read then. */
export interface StreamRoom {
  bytesLeft: number | null;
  limits: QuotaLimits;
}

/** The quota to check before storing new bytes, or null when the file has no owner to count against. */
export function scopeOfOwner(owner: { org_id: string | null; owner_id: string | null }): QuotaScope | null {
  if (owner.org_id) return { kind: 'organization', orgId: owner.org_id };
  if (owner.owner_id) return { kind: 'candidate', userId: owner.owner_id };
  return null;
}

interface QuotasDeps {
  db: Db;
  counters: RateCounters;
  config: Config;
}

/**
 * Storage and upload-rate quotas, per organization and per candidate. Both are checked before a
 * byte is written: a pre-signed upload at `initiate` with its declared size, a streamed one before
 * its body is read (and the stream is then cut at the bytes left). Bytes are counted from the
 * database (every stored version of the live files, pending ones at their declared size), inside
 * a transaction that holds an advisory lock on the scope, so that two concurrent uploads never both
 * take the last bytes. Uploads per hour are a shared counter (`RateCounters`), so every process
 * counts against one limit.
 */
export class Quotas {
  private readonly deps: QuotasDeps;
  private readonly defaults: Config['quotas'];
  /** Organizations' own limits, kept for QUOTA_CACHE_MS: signing an upload URL is the hot path, and they rarely change. */
  private readonly orgLimits: LRUCache<string, QuotaLimits> | null;

  constructor(deps: QuotasDeps) {
    this.deps = deps;
    this.defaults = deps.config.quotas;
    const ttl = deps.config.quotas.cacheMs;
    this.orgLimits = ttl > 0 ? new LRUCache<string, QuotaLimits>({ ...upTo(10_000), ttl, fetchMethod: (orgId) => this.readOrgLimits(orgId) }) : null;
  }

  /**
   * The scope's limits: its organization's own row over the configured defaults (0: unlimited).
   * Read before a transaction opens, never inside one: it may take a connection of its own.
   */
  async limits(scope: QuotaScope): Promise<QuotaLimits> {
    if (scope.kind === 'candidate') return this.defaults.candidate;
    return this.orgLimits ? (await this.orgLimits.fetch(scope.orgId))! : this.readOrgLimits(scope.orgId);
  }

  private async readOrgLimits(orgId: string): Promise<QuotaLimits> {
    const own = await this.deps.db.selectFrom('org_quotas').select(['max_bytes', 'max_uploads_per_hour']).where('org_id', '=', orgId).executeTakeFirst();
    return {
      bytes: own?.max_bytes ?? this.defaults.org.bytes,
      uploadsPerHour: own?.max_uploads_per_hour ?? this.defaults.org.uploadsPerHour,
    };
  }

  /** `GET /orgs/{id}/usage`: any member of the organization (or a key with `files:read`); 404 for another one. */
  async orgUsage(ctx: RequestContext, orgId: string): Promise<Usage> {
    authorizeOrThrow(ctx.actor, 'org.usage.read', { type: 'org_scope', orgId }, 'Organization');
    return this.usage({ kind: 'organization', orgId });
  }

  /** `GET /me/usage`: a candidate's own quota, or the caller's organization's. */
  async ownUsage(ctx: RequestContext): Promise<Usage> {
    const { actor } = ctx;
    if (actor.kind === 'user' && actor.role === 'candidate') return this.usage({ kind: 'candidate', userId: actor.userId });
    authorizeOrThrow(actor, 'org.usage.read', { type: 'org_scope', orgId: actor.orgId }, 'Organization');
    return this.usage({ kind: 'organization', orgId: actor.orgId! });
  }

  async usage(scope: QuotaScope): Promise<Usage> {
    const [limits, stored, uploads] = await Promise.all([this.limits(scope), this.stored(scope), this.deps.counters.peek(rateKey(scope))]);
    return {
      scope: scope.kind,
      storage: { ...stored, limit_bytes: limits.bytes || null },
      // Uploads are counted only where a limit applies: an unlimited scope costs the upload path nothing.
      uploads:
        limits.uploadsPerHour === 0
          ? { used: null, limit_per_hour: null, resets_at: null }
          : { used: uploads.count, limit_per_hour: limits.uploadsPerHour, resets_at: uploads.count > 0 ? uploads.resetAt.toISOString() : null },
    };
  }

  /**
   * A pre-signed upload of `bytes` (its declared size): refused with 413 or 429 before anything is
   * recorded, else `work` records it, in the same transaction as the check when a limit applies.
   */
  async admit<T>(scope: QuotaScope | null, bytes: number, work: (executor: Executor) => Promise<T>): Promise<T> {
    const limits = scope ? await this.limits(scope) : null;
    if (!scope || !limits || (limits.bytes === 0 && limits.uploadsPerHour === 0)) return work(this.deps.db);
    return this.deps.db.transaction().execute(async (tx) => {
      await this.admitIn(tx, scope, limits, bytes);
      return work(tx);
    });
  }

  /** `admit` inside the caller's transaction (which records the upload before it commits), with the limits read before it opened. */
  async admitIn(tx: Tx, scope: QuotaScope | null, limits: QuotaLimits, bytes: number): Promise<void> {
    if (!scope) return;
    if (limits.bytes > 0) await this.reserveBytes(tx, scope, limits.bytes, bytes);
    if (limits.uploadsPerHour > 0) await this.takeUpload(scope, limits.uploadsPerHour, tx);
  }

  /**
   * Before a streamed upload reads its body: 413 when no byte is left, 429 when the hour's uploads
   * are spent (else one is counted). The bytes left (null: unlimited) bound the stream.
   */
  async admitStream(scope: QuotaScope | null): Promise<StreamRoom> {
    if (!scope) return { bytesLeft: null, limits: UNLIMITED };
    const limits = await this.limits(scope);
    let bytesLeft: number | null = null;
    if (limits.bytes > 0) {
      const used = (await this.stored(scope)).used_bytes;
      if (used >= limits.bytes) throw storageExceeded(scope, limits.bytes, used, null);
      bytesLeft = limits.bytes - used;
    }
    if (limits.uploadsPerHour > 0) await this.takeUpload(scope, limits.uploadsPerHour);
    return { bytesLeft, limits };
  }

  /**
   * A streamed upload's bytes, in the transaction that records them: concurrent uploads that each
   * fit alone may not all fit together. Its caller removes the written blob on the 413.
   */
  async confirmStream(tx: Tx, scope: QuotaScope | null, room: StreamRoom, bytes: number): Promise<void> {
    if (scope && room.limits.bytes > 0) await this.reserveBytes(tx, scope, room.limits.bytes, bytes);
  }

  /** A request of many uploads (bulk intake) is refused whole, before its body is read, when the scope is already full or out of uploads. */
  async assertRoom(scope: QuotaScope | null): Promise<void> {
    if (!scope) return;
    const limits = await this.limits(scope);
    if (limits.bytes > 0) {
      const used = (await this.stored(scope)).used_bytes;
      if (used >= limits.bytes) throw storageExceeded(scope, limits.bytes, used, null);
    }
    if (limits.uploadsPerHour > 0) {
      const window = await this.deps.counters.peek(rateKey(scope));
      if (window.count >= limits.uploadsPerHour) throw uploadsExceeded(scope, limits.uploadsPerHour, window.count, window.resetAt);
    }
  }

  /** The 413 of a stream cut once it passed the bytes left. */
  streamTooLarge(scope: QuotaScope, room: StreamRoom & { bytesLeft: number }): AppError {
    return storageExceeded(scope, room.limits.bytes, room.limits.bytes - room.bytesLeft, null);
  }

  private async reserveBytes(tx: Tx, scope: QuotaScope, limit: number, bytes: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`vitae.quota:${scopeKey(scope)}`}, 0))`.execute(tx);
    const used = (await this.stored(scope, tx)).used_bytes;
    if (used + bytes > limit) throw storageExceeded(scope, limit, used, bytes);
  }

  private async takeUpload(scope: QuotaScope, limit: number, executor: Executor = this.deps.db): Promise<void> {
    const window = await this.deps.counters.take(rateKey(scope), HOUR_MS, limit, executor);
    if (!window.allowed) throw uploadsExceeded(scope, limit, window.count, window.resetAt);
  }

  private async stored(scope: QuotaScope, executor: Executor = this.deps.db): Promise<Stored> {
    let query = executor
      .selectFrom('files')
      .innerJoin('file_versions', 'file_versions.file_id', 'files.id')
      .select([
        sql<number>`coalesce(sum(coalesce(file_versions.size, file_versions.declared_size)), 0)::bigint`.as('used_bytes'),
        sql<number>`coalesce(sum(coalesce(file_versions.size, file_versions.declared_size)) FILTER (WHERE file_versions.version = files.version), 0)::bigint`.as(
          'current_bytes',
        ),
        sql<number>`count(DISTINCT files.id)::int`.as('files'),
        sql<number>`count(*)::int`.as('versions'),
      ])
      .where('files.deleted_at', 'is', null)
      .where('files.erased_at', 'is', null);
    query =
      scope.kind === 'organization'
        ? query.where('files.org_id', '=', scope.orgId)
        : query.where('files.owner_id', '=', scope.userId).where('files.org_id', 'is', null);
    return query.executeTakeFirstOrThrow();
  }
}

const scopeKey = (scope: QuotaScope) => (scope.kind === 'organization' ? `org:${scope.orgId}` : `candidate:${scope.userId}`);
const rateKey = (scope: QuotaScope) => `uploads:${scopeKey(scope)}`;
const owner = (scope: QuotaScope) => (scope.kind === 'organization' ? "The organization's" : 'Your');

function storageExceeded(scope: QuotaScope, limit: number, used: number, requested: number | null): AppError {
  const more = requested === null ? '' : `; this upload needs ${requested} more`;
  return new AppError(413, 'storage_quota_exceeded', `${owner(scope)} storage quota is ${limit} bytes, of which ${used} are used${more}.`, {
    extensions: { quota: 'storage', scope: scope.kind, limit, used, ...(requested === null ? {} : { requested }) },
  });
}

function uploadsExceeded(scope: QuotaScope, limit: number, used: number, resetAt: Date): AppError {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  return new AppError(429, 'upload_rate_exceeded', `${owner(scope)} quota is ${limit} uploads per hour, and ${used} have been started in this hour.`, {
    retryAfter,
    extensions: { quota: 'uploads_per_hour', scope: scope.kind, limit, used },
  });
}
