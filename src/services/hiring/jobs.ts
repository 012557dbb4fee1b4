import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Selectable } from 'kysely';
import type { JobsTable } from '../../db/schema.ts';
import { newId } from '../../domain/ids.ts';
import { authorize, type Action } from '../../domain/policy.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { keysetPage } from '../../db/keyset.ts';
import type { Page } from '../../domain/pagination.ts';
import { enforce } from '../authorize.ts';

type JobRow = Selectable<JobsTable>;

export interface JobInput {
  title: string;
  description: string;
  skills?: string[];
  nice_to_have_skills?: string[];
  location?: string | null;
  min_years?: number | null;
  status?: 'open' | 'closed';
}

export interface JobView {
  id: string;
  org_id: string;
  title: string;
  description: string;
  skills: string[];
  nice_to_have_skills: string[];
  location: string | null;
  min_years: number | null;
  status: 'open' | 'closed';
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export const toJobView = (row: JobRow): JobView => ({
  id: row.id,
  org_id: row.org_id,
  title: row.title,
  description: row.description,
  skills: row.skills_required,
  nice_to_have_skills: row.skills_nice,
  location: row.location,
  min_years: row.min_years,
  status: row.status,
  closed_at: row.closed_at ? row.closed_at.toISOString() : null,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

interface JobServiceDeps {
  db: Db;
  queue: JobQueue;
  audit: AuditLog;
}

/** Jobs of an organization; candidates (job seekers) see every organization's open jobs. */
export class JobService {
  private readonly deps: JobServiceDeps;

  constructor(deps: JobServiceDeps) {
    this.deps = deps;
  }

  async create(ctx: RequestContext, input: JobInput): Promise<JobView> {
    const orgId = ctx.actor.orgId;
    if (!orgId || !authorize(ctx.actor, 'job.create', { type: 'org_scope', orgId }).allowed) throw forbidden('Only recruiters can create jobs.');
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const job = await tx
        .insertInto('jobs')
        .values({
          id: newId(),
          org_id: orgId,
          title: input.title,
          description: input.description,
          skills_required: normalizeSkills(input.skills),
          skills_nice: normalizeSkills(input.nice_to_have_skills),
          location: input.location ?? null,
          min_years: input.min_years ?? null,
          status: input.status ?? 'open',
          closed_at: input.status === 'closed' ? new Date() : null,
          created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, ctx.audit, { action: 'job.created', orgId, resourceType: 'job', resourceId: job.id });
      return job;
    });
    return toJobView(row);
  }

  async list(ctx: RequestContext, page: { limit: number; cursor?: string }, filter: { status?: 'open' | 'closed' } = {}): Promise<Page<JobView>> {
    const { actor } = ctx;
    let query = this.deps.db.selectFrom('jobs').selectAll().where('deleted_at', 'is', null);
    if (actor.kind === 'user' && actor.role === 'candidate') {
      query = query.where('status', '=', 'open');
    } else {
      if (!actor.orgId || !authorize(actor, 'job.list', { type: 'org_scope', orgId: actor.orgId }).allowed) throw forbidden();
      query = query.where('org_id', '=', actor.orgId);
      if (filter.status) query = query.where('status', '=', filter.status);
    }
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, page);
    return { items: items.map(toJobView), next_cursor };
  }

  async get(ctx: RequestContext, jobId: string): Promise<JobView> {
    return toJobView(await this.load(ctx, jobId, 'job.read'));
  }

  /** Changing what the job asks for re-scores its candidates in the background. */
  async update(ctx: RequestContext, jobId: string, input: Partial<JobInput>): Promise<JobView> {
    const before = await this.load(ctx, jobId, 'job.update');
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('jobs')
        .set({
          ...(input.title !== undefined ? { title: input.title } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.skills !== undefined ? { skills_required: normalizeSkills(input.skills) } : {}),
          ...(input.nice_to_have_skills !== undefined ? { skills_nice: normalizeSkills(input.nice_to_have_skills) } : {}),
          ...(input.location !== undefined ? { location: input.location } : {}),
          ...(input.min_years !== undefined ? { min_years: input.min_years } : {}),
          ...(input.status !== undefined && input.status !== before.status
            ? { status: input.status, closed_at: input.status === 'closed' ? new Date() : null }
            : {}),
          updated_at: new Date(),
        })
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirstOrThrow();
      // Reopened: its candidates' retention no longer runs, and a later closing is announced afresh.
      if (row.status === 'open' && before.status === 'closed')
        await tx
          .updateTable('candidates')
          .set({ retention_notified_at: null })
          .where('job_id', '=', jobId)
          .where('retention_notified_at', 'is not', null)
          .execute();
      const requirementsChanged =
        row.description !== before.description ||
        row.skills_required.join('\n') !== before.skills_required.join('\n') ||
        row.skills_nice.join('\n') !== before.skills_nice.join('\n') ||
        row.min_years !== before.min_years;
      if (requirementsChanged) await this.deps.queue.send(JOBS.rescoreJob, { jobId }, { tx, singletonKey: jobId });
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'job.updated',
        orgId: row.org_id,
        resourceType: 'job',
        resourceId: jobId,
        details: { rescore: requirementsChanged },
      });
      return toJobView(row);
    });
  }

  /** Closes and hides the job; its candidates stay in the database until deleted one by one or erased. */
  async delete(ctx: RequestContext, jobId: string): Promise<void> {
    const job = await this.load(ctx, jobId, 'job.delete');
    await this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      await tx
        .updateTable('jobs')
        .set({ status: 'closed', closed_at: sql<Date>`coalesce(closed_at, ${now})`, deleted_at: now, updated_at: now })
        .where('id', '=', jobId)
        .execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'job.deleted', orgId: job.org_id, resourceType: 'job', resourceId: jobId });
    });
  }

  async load(ctx: RequestContext, jobId: string, action: Action): Promise<JobRow> {
    const job = await this.deps.db.selectFrom('jobs').selectAll().where('id', '=', jobId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!job) throw notFound('Job');
    const decision = authorize(ctx.actor, action, { type: 'job', orgId: job.org_id, status: job.status });
    enforce(decision, 'Job');
    return job;
  }
}

/** Trimmed, de-duplicated case-insensitively, in the order given. */
function normalizeSkills(skills: string[] | undefined): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const skill of skills ?? []) {
    const trimmed = skill.trim();
    if (!trimmed || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    result.push(trimmed);
  }
  return result;
}
