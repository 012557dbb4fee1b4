import type { Db, Executor, Tx } from '../../db/database.ts';
import type { AuditEventRow, AuditOutcome } from '../../db/schema.ts';
import { randomInt } from 'node:crypto';
import { newId } from '../../domain/ids.ts';
import { sql, type OperationNodeSource } from 'kysely';
import { canonicalEntry, CHAIN_LANES, chainFor, chainGroup, entryHash, orgChainPrefix, type ChainedFields } from './chain.ts';
import { GroupCommitter } from './group-commit.ts';
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
 * The append-only audit trail. `append` inside a transaction runs in it, so an entry exists if
 * and only if the change it records committed. Each entry carries the hash of the previous entry
 * of its chain; the chain head row is locked for the append, which serializes the writers of one
 * lane of one organization only. Appends outside a transaction are group-committed (see
 * GroupCommitter): concurrent requests' entries for a lane share one statement and one commit.
 */
export class AuditLog {
  private readonly db: Db;
  private readonly committer: GroupCommitter<Pending>;
  constructor(db: Db) {
    this.db = db;
    this.committer = new GroupCommitter<Pending>({
      lanes: CHAIN_LANES,
      maxInFlight: MAX_IN_FLIGHT,
      maxBatch: MAX_BATCH,
      write: (group, { lane, items }) => this.write(this.db, chainFor(group, lane), items),
    });
  }

  /**
   * Appends one entry and resolves once it is committed: with `executor` a transaction, as part of
   * it (the head's lock is then held until that transaction ends); with the pool, as a statement of
   * its own that may carry other requests' entries for the same lane (group commit).
   *
   * `together`: data-modifying queries (inserts, updates) that run in the same statement, as
   * CTEs, for a hot path whose whole change is one round trip: the change and its entry commit
   * or fail as one. They may not depend on each other's effects (PostgreSQL runs them on one
   * snapshot), apart from foreign keys, which are checked at the end of the statement.
   */
  async append(executor: Executor, context: AuditContext, entry: AuditEntry, together: readonly OperationNodeSource[] = []): Promise<void> {
    const fields: Omit<ChainedFields, 'chain'> = {
      id: newId(),
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
    const group = chainGroup(entry.orgId, entry.subjectUserId ?? context.actorId);
    const pending: Pending = { fields, together };
    if (executor.isTransaction) await this.write(executor, chainFor(group, randomInt(CHAIN_LANES)), [pending]);
    else await this.committer.submit(group, pending);
  }

  /**
   * One statement: the entries' changes as CTEs, and `audit_append` (migration 0019), which locks
   * the chain's head, links the entries in order, inserts them and moves the head, hashing in
   * PostgreSQL: sha256(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ canonical entry).
   */
  private async write(executor: Executor, chain: string, entries: readonly Pending[]): Promise<void> {
    const rows = entries.map(({ fields }) => {
      const chained = { ...fields, chain };
      return { ...chained, at: fields.at.toISOString(), canonical: canonicalEntry(chained) };
    });
    const changes = entries.flatMap(({ together }) => together).map((query, i) => sql`${sql.ref(`change_${i}`)} AS (${query})`);
    const prefix = changes.length > 0 ? sql`WITH ${sql.join(changes, sql`, `)} ` : sql``;
    await sql`${prefix}SELECT audit_append(${chain}, ${JSON.stringify(rows)}::jsonb)`.execute(executor);
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

  /**
   * One chain, read in one snapshot (repeatable read): entries that a serving process appends
   * meanwhile are neither counted against the head read before them nor taken for a broken end.
   */
  async verifyChain(head: { chain: string; seq: number; hash: string; pruned_seq: number; pruned_hash: string }): Promise<ChainReport> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const current = (await tx.selectFrom('audit_chain_heads').selectAll().where('chain', '=', head.chain).executeTakeFirst()) ?? head;
        return walkChain(tx, current);
      });
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

/** Entries written by one statement at most: a batch's parameters stay far below PostgreSQL's limit. */
const MAX_BATCH = 64;

/**
 * Batches of one organization in flight at once. Each batch costs a statement, a round trip and a
 * commit whatever its size, so on a small machine more of them in flight only makes them smaller:
 * with all 8 lanes, 50 concurrent signers made batches of about 3 and PostgreSQL spent ~0.75 ms of
 * CPU per entry; with 2, ~0.4 ms, and the rate rose 1.5–2× (bench/README.md, *Signing rates*). Two,
 * not one, so that a request arriving while a batch commits still leaves at once.
 */
const MAX_IN_FLIGHT = 2;

interface Pending {
  fields: Omit<ChainedFields, 'chain'>;
  together: readonly OperationNodeSource[];
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

/** Recomputes one chain from where it starts (after a purge) up to its head. */
async function walkChain(tx: Tx, head: { chain: string; seq: number; hash: string; pruned_seq: number; pruned_hash: string }): Promise<ChainReport> {
  const { chain } = head;
  const headSeq = Number(head.seq);
  const headHash = head.hash;
  let prevHash = head.pruned_hash;
  let expectedSeq = Number(head.pruned_seq) + 1;
  const batch = 1000;
  for (;;) {
    const rows = await tx
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

function broken(chain: string, verifiedEntries: number, brokenAt: string | null, problem: string): ChainReport {
  return { chain, entries: verifiedEntries, ok: false, brokenAt, problem };
}
