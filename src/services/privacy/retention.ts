import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditLog } from '../audit/audit-log.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import type { Webhooks } from '../webhooks/webhooks.ts';
import { eraseCandidate } from './candidate-erasure.ts';

export interface RetentionSettings {
  /** Days after its job closed that a candidate is erased; null: never. */
  candidate_retention_days: number | null;
  /** Days after a candidate was rejected, or withdrew its application, that it is erased; null: never. */
  rejected_retention_days: number | null;
  /** How many days ahead the `retention.due` webhook announces an erasure. */
  notice_days: number;
}

export type RetentionRule = 'job_closed' | 'rejected' | 'withdrawn';

export interface RetentionItem {
  candidate_id: string;
  job_id: string;
  job_title: string;
  name: string | null;
  rule: RetentionRule;
  due_at: string;
}

interface DueRow {
  candidate_id: string;
  org_id: string;
  job_id: string;
  job_title: string;
  name: string | null;
  rule: RetentionRule;
  due_at: Date;
  notice_days: number;
  notified_at: Date | null;
}

interface RetentionDeps {
  db: Db;
  store: BlobStore;
  audit: AuditLog;
  webhooks: Webhooks;
}

/**
 * Retention policies that run. Each organization may keep candidates for a number of days after
 * their job closed, and for a number of days after they were rejected or withdrew (both off by
 * default). A daily job erases every candidate whose time has come through `eraseCandidate`, the
 * one erasure path of subject requests too, and announces upcoming erasures with the
 * `retention.due` webhook `notice_days` ahead, once per candidate. The preview answers with the
 * same query the run uses, so it lists exactly what a run at that time erases.
 */
export class Retention {
  private readonly deps: RetentionDeps;

  constructor(deps: RetentionDeps) {
    this.deps = deps;
  }

  async settings(ctx: RequestContext, orgId: string): Promise<RetentionSettings> {
    authorizeOrThrow(ctx.actor, 'privacy.manage', { type: 'org_scope', orgId }, 'Organization');
    return this.load(orgId);
  }

  async update(ctx: RequestContext, orgId: string, input: Partial<RetentionSettings>): Promise<RetentionSettings> {
    authorizeOrThrow(ctx.actor, 'privacy.manage', { type: 'org_scope', orgId }, 'Organization');
    await this.deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('organizations')
        .set({
          ...(input.candidate_retention_days !== undefined ? { candidate_retention_days: input.candidate_retention_days } : {}),
          ...(input.rejected_retention_days !== undefined ? { rejected_retention_days: input.rejected_retention_days } : {}),
          ...(input.notice_days !== undefined ? { retention_notice_days: input.notice_days } : {}),
        })
        .where('id', '=', orgId)
        .execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'retention.updated',
        orgId,
        resourceType: 'organization',
        resourceId: orgId,
        details: { ...input },
      });
    });
    return this.load(orgId);
  }

  /** What a run at `at` (now by default) erases, and what falls due within the notice period after it. */
  async preview(ctx: RequestContext, orgId: string, at = new Date()) {
    authorizeOrThrow(ctx.actor, 'privacy.manage', { type: 'org_scope', orgId }, 'Organization');
    const settings = await this.load(orgId);
    const rows = await this.dueBy(at, orgId);
    const item = (row: DueRow): RetentionItem => ({
      candidate_id: row.candidate_id,
      job_id: row.job_id,
      job_title: row.job_title,
      name: row.name,
      rule: row.rule,
      due_at: row.due_at.toISOString(),
    });
    return {
      settings,
      as_of: at.toISOString(),
      due: rows.filter((row) => row.due_at <= at).map(item),
      upcoming: rows.filter((row) => row.due_at > at).map(item),
    };
  }

  /** The daily job. `now` is injected by tests. */
  async run(now = new Date()): Promise<{ erased: number; notified: number }> {
    const rows = await this.dueBy(now);
    const due = rows.filter((row) => row.due_at <= now);
    const erasedPerOrg = new Map<string, number>();
    for (const row of due) {
      const done = await eraseCandidate({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, SYSTEM_CONTEXT, row.candidate_id, {
        via: 'retention',
        rule: row.rule,
      });
      if (done) erasedPerOrg.set(row.org_id, (erasedPerOrg.get(row.org_id) ?? 0) + 1);
    }
    const toNotify = rows.filter((row) => row.due_at > now && row.notified_at === null);
    const orgs = new Set([...erasedPerOrg.keys(), ...toNotify.map((row) => row.org_id)]);
    for (const orgId of orgs) {
      const upcoming = toNotify.filter((row) => row.org_id === orgId);
      await this.deps.db.transaction().execute(async (tx) => {
        if (upcoming.length) {
          await tx
            .updateTable('candidates')
            .set({ retention_notified_at: now })
            .where(
              'id',
              'in',
              upcoming.map((row) => row.candidate_id),
            )
            .execute();
          await this.deps.webhooks.emit(tx, orgId, 'retention.due', {
            candidates: upcoming.map((row) => ({ candidate_id: row.candidate_id, job_id: row.job_id, rule: row.rule, due_at: row.due_at.toISOString() })),
          });
        }
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'retention.run',
          orgId,
          resourceType: 'organization',
          resourceId: orgId,
          details: { erased: erasedPerOrg.get(orgId) ?? 0, announced: upcoming.length },
        });
      });
    }
    return { erased: due.length, notified: toNotify.length };
  }

  /**
   * Candidates that still hold something (live, or an organization's copy of the resume not yet
   * erased) whose earliest retention date, by any rule in force, is before `at` plus their
   * organization's notice period.
   */
  private async dueBy(at: Date, orgId?: string): Promise<DueRow[]> {
    const { rows } = await sql<DueRow>`
      SELECT c.id AS candidate_id, c.org_id, c.job_id, j.title AS job_title, c.name, due.rule, due.due_at,
             o.retention_notice_days AS notice_days, c.retention_notified_at AS notified_at
      FROM candidates c
      JOIN jobs j ON j.id = c.job_id
      JOIN organizations o ON o.id = c.org_id
      JOIN files f ON f.id = c.file_id
      LEFT JOIN applications a ON a.id = c.application_id
      CROSS JOIN LATERAL (
        SELECT r.rule, r.due_at FROM (VALUES
          ('job_closed', CASE WHEN j.status = 'closed' THEN j.closed_at + make_interval(days => o.candidate_retention_days) END),
          ('rejected', c.rejected_at + make_interval(days => o.rejected_retention_days)),
          ('withdrawn', a.withdrawn_at + make_interval(days => o.rejected_retention_days))
        ) AS r (rule, due_at)
        WHERE r.due_at IS NOT NULL
        ORDER BY r.due_at
        LIMIT 1
      ) due
      WHERE (c.deleted_at IS NULL OR (f.org_id = c.org_id AND f.erased_at IS NULL))
        AND due.due_at <= ${at}::timestamptz + make_interval(days => o.retention_notice_days)
        ${orgId ? sql`AND c.org_id = ${orgId}` : sql``}
      ORDER BY due.due_at, c.id
      LIMIT 5000`.execute(this.deps.db);
    return rows.map((row) => ({ ...row, due_at: new Date(row.due_at), notice_days: Number(row.notice_days) }));
  }

  private async load(orgId: string): Promise<RetentionSettings> {
    const org = await this.deps.db
      .selectFrom('organizations')
      .select(['candidate_retention_days', 'rejected_retention_days', 'retention_notice_days'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    return {
      candidate_retention_days: org.candidate_retention_days,
      rejected_retention_days: org.rejected_retention_days,
      notice_days: org.retention_notice_days,
    };
  }
}
