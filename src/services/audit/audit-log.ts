import type { Db, Executor } from '../../db/database.ts';
import type { AuditEventRow, AuditOutcome } from '../../db/schema.ts';
import { randomInt } from 'node:crypto';
import { newId } from '../../domain/ids.ts';
import { sql, type OperationNodeSource, type RawBuilder } from 'kysely';
import { canonicalEntry, CHAIN_LANES, chainFor, entryHash, GENESIS_HASH, orgChainPrefix, type ChainedFields } from './chain.ts';
import { keysetPage } from '../../db/keyset.ts';
import type { Page } from '../../domain/pagination.ts';

/** Who did it and from where; built once per request (or `SYSTEM_CONTEXT` for workers). */
export interface AuditContext {
  actorId: string | null;
  actorType: 'user' | 'api_key' | 'system' | 'anonymous';
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = { actorId: null, actorType: 'system', ip: null, userAgent: null, requestId: null };

export interface AuditEntry {
  /** `noun.verb`, e.g. `file.uploaded`. */
  action: string;
  outcome?: AuditOutcome;
  orgId: string | null;
  fileId?: string | null;
  /** For entries without an organization: the user whose chain records them (e.g. a candidate's file). */
  subjectUserId?: string | null;
  resourceType?: string | null;
  resourceId?: string | null;
  details?: Record<string, unknown> | null;
}

/**
 * The append-only audit trail. `append` runs inside the caller's transaction, so an entry exists
 * if and only if the change it records committed. Each entry carries the hash of the previous
 * entry of its chain; the chain head row is locked for the append, which serializes the writers
 * of one lane of one organization only.
 */
export class AuditLog {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /**
   * One statement, so that it costs one round trip and needs no transaction of its own: it
   * advances the chain head (creating it on the first entry) and inserts the entry with
   * sha256(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ canonical entry) computed by PostgreSQL. The upsert
   * locks the head row until the caller's transaction ends, which orders the appends of a lane.
   *
   * `together`: data-modifying queries (inserts, updates) that run in the same statement, as
   * CTEs, for a hot path whose whole change is one round trip: the change and its entry commit
   * or fail as one. They may not depend on each other's effects (PostgreSQL runs them on one
   * snapshot), apart from foreign keys, which are checked at the end of the statement.
   */
  async append(executor: Executor, context: AuditContext, entry: AuditEntry, together: readonly OperationNodeSource[] = []): Promise<void> {
    const fields: ChainedFields = {
      id: newId(),
      chain: chainFor(entry.orgId, entry.subjectUserId ?? context.actorId, randomInt(CHAIN_LANES)),
      at: new Date(),
      actor_id: context.actorId,
      actor_type: context.actorType,
      action: entry.action,
      outcome: entry.outcome ?? 'allowed',
      org_id: entry.orgId,
      file_id: entry.fileId ?? null,
      resource_type: entry.resourceType ?? null,
      resource_id: entry.resourceId ?? null,
      ip: context.ip,
      user_agent: context.userAgent ? context.userAgent.slice(0, 512) : null,
      request_id: context.requestId,
      details: entry.details ?? null,
    };
    const canonical = canonicalEntry(fields);
    const nextHash = (prev: RawBuilder<string>, seq: RawBuilder<number>) =>
      sql<string>`encode(sha256(convert_to(${prev} || chr(10) || (${seq})::text || chr(10) || ${canonical}::text, 'UTF8')), 'hex')`;
    const changes = together.map((query, i) => sql`${sql.ref(`change_${i}`)} AS (${query}),`);
    await sql`
      WITH ${sql.join(changes, sql` `)} head AS (
        INSERT INTO audit_chain_heads AS h (chain, seq, hash, prev_hash)
        VALUES (${fields.chain}, 1, ${nextHash(sql`${GENESIS_HASH}::text`, sql`1`)}, ${GENESIS_HASH})
        ON CONFLICT (chain) DO UPDATE SET seq = h.seq + 1, prev_hash = h.hash, hash = ${nextHash(sql`h.hash`, sql`h.seq + 1`)}
        RETURNING seq, prev_hash, hash
      )
      INSERT INTO audit_events (id, chain, seq, at, actor_id, actor_type, action, outcome, org_id, file_id,
                                resource_type, resource_id, ip, user_agent, request_id, details, prev_hash, hash)
      SELECT ${fields.id}::uuid, ${fields.chain}::text, head.seq, ${fields.at}::timestamptz, ${fields.actor_id}::uuid, ${fields.actor_type}::text,
             ${fields.action}::text, ${fields.outcome}::text, ${fields.org_id}::uuid, ${fields.file_id}::uuid, ${fields.resource_type}::text,
             ${fields.resource_id}::uuid, ${fields.ip}::text, ${fields.user_agent}::text, ${fields.request_id}::text,
             ${fields.details ? JSON.stringify(fields.details) : null}::jsonb, head.prev_hash, head.hash
      FROM head
    `.execute(executor);
  }

  /** Records a refused attempt on its own: the change it asked for did not happen. */
  async denied(context: AuditContext, entry: Omit<AuditEntry, 'outcome'>): Promise<void> {
    await this.append(this.db, context, { ...entry, outcome: 'denied' });
  }

  async list(filter: AuditFilter, page: { limit: number; cursor?: string }): Promise<Page<AuditEventRow>> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.orgId !== undefined) query = query.where('org_id', '=', filter.orgId);
    if (filter.fileId) query = query.where('file_id', '=', filter.fileId);
    if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    return keysetPage(query, { at: 'at', id: 'id' }, page);
  }

  /**
   * Recomputes every chain. A broken link names the first entry whose stored hash or
   * predecessor does not match: an edited entry, or the one after a deleted entry.
   */
  async verify(): Promise<ChainReport[]> {
    const chains = await this.db.selectFrom('audit_chain_heads').selectAll().orderBy('chain').execute();
    const reports: ChainReport[] = [];
    for (const head of chains) reports.push(await this.verifyChain(head));
    return reports;
  }

  /** Verifies every chain of one organization (for `GET /audit/verify`). */
  async verifyOrganization(orgId: string): Promise<ChainReport[]> {
    const heads = await this.db
      .selectFrom('audit_chain_heads')
      .selectAll()
      .where('chain', 'like', `${orgChainPrefix(orgId)}%`)
      .orderBy('chain')
      .execute();
    return Promise.all(heads.map((head) => this.verifyChain(head)));
  }

  async verifyChain(head: { chain: string; seq: number; hash: string; pruned_seq: number; pruned_hash: string }): Promise<ChainReport> {
    const { chain } = head;
    const headSeq = Number(head.seq);
    const headHash = head.hash;
    let prevHash = head.pruned_hash;
    let expectedSeq = Number(head.pruned_seq) + 1;
    const batch = 1000;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain', '=', chain)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(batch)
        .execute();
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return broken(chain, expectedSeq - 1, row.id, `entry ${expectedSeq} is missing (deleted?) before ${row.id}`);
        if (row.prev_hash !== prevHash)
          return broken(chain, seq - 1, row.id, `entry ${row.id} does not follow its predecessor (an entry before it was changed or deleted)`);
        const recomputed = entryHash(prevHash, seq, canonicalEntry(row));
        if (recomputed !== row.hash) return broken(chain, seq - 1, row.id, `entry ${row.id} was modified after it was written`);
        prevHash = row.hash;
        expectedSeq = seq + 1;
      }
      if (rows.length < batch) break;
    }
    if (expectedSeq - 1 !== headSeq || prevHash !== headHash) {
      return broken(chain, expectedSeq - 1, null, `the chain ends at entry ${expectedSeq - 1} but its head says ${headSeq} (entries were deleted at the end)`);
    }
    return { chain, entries: headSeq, ok: true };
  }

  /**
   * Retention purge, the one code path that deletes audit rows (AUDIT_RETENTION_DAYS). It removes
   * a prefix of each chain and records where the chain now starts, so verification still covers
   * everything that is left.
   */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    let removed = 0;
    const chains = await this.db.selectFrom('audit_chain_heads').select('chain').execute();
    for (const { chain } of chains) {
      removed += await this.db.transaction().execute(async (tx) => {
        await tx.selectFrom('audit_chain_heads').select('chain').where('chain', '=', chain).forUpdate().execute();
        const last = await tx
          .selectFrom('audit_events')
          .select(['seq', 'hash'])
          .where('chain', '=', chain)
          .where('at', '<', cutoff)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!last) return 0;
        const deleted = await tx.deleteFrom('audit_events').where('chain', '=', chain).where('seq', '<=', last.seq).executeTakeFirst();
        await tx.updateTable('audit_chain_heads').set({ pruned_seq: last.seq, pruned_hash: last.hash }).where('chain', '=', chain).execute();
        return Number(deleted.numDeletedRows);
      });
    }
    return removed;
  }
}

export interface AuditFilter {
  orgId?: string | null;
  fileId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

export type ChainReport =
  { chain: string; entries: number; ok: true } | { chain: string; entries: number; ok: false; brokenAt: string | null; problem: string };

function broken(chain: string, verifiedEntries: number, brokenAt: string | null, problem: string): ChainReport {
  return { chain, entries: verifiedEntries, ok: false, brokenAt, problem };
}
