import type { Db, Tx } from '../../db/database.ts';
import type { Selectable } from 'kysely';
import type { CandidatesTable } from '../../db/schema.ts';
import { newId } from '../../domain/ids.ts';
import { authorize } from '../../domain/policy.ts';
import { AppError, conflict, forbidden, notFound } from '../../errors.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { eraseFile, scrubbedCandidate } from '../files/erasure.ts';
import type { FileService, ContentResponse } from '../files/files.ts';
import type { UploadService } from '../files/uploads.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { JobService } from './jobs.ts';
import { toCandidateView, type CandidateView } from './candidate-view.ts';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { Counter } from 'prom-client';
import { enforce } from '../authorize.ts';

type CandidateRow = Selectable<CandidatesTable>;

export interface IntakeResult {
  filename: string;
  candidate_id?: string;
  duplicate_of?: string;
  error?: { code: string; detail: string };
}

export interface CandidateFilter {
  status?: string;
  skill?: string;
  q?: string;
}

interface CandidateServiceDeps {
  db: Db;
  queue: JobQueue;
  audit: AuditLog;
  uploads: UploadService;
  files: FileService;
  jobs: JobService;
  store: BlobStore;
}

/** Intake throughput: every resume offered to a job, alone or in a bulk upload, by what became of it. */
export const intakeFiles = new Counter({
  name: 'vitae_intake_files_total',
  help: 'Resumes offered to a job (one by one or in bulk) by outcome: created, duplicate, rejected (bad input), failed (server error)',
  labelNames: ['outcome'] as const,
  registers: [],
});

type IntakeOutcome = { filename: string; duplicate_of: string } | { filename: string; candidate_id: string; candidate: CandidateView };

/**
 * Candidates of a job: resumes a recruiter drops in (each one a Vitae file, checked and scanned
 * like any other), and applications of candidates who share their own files. Parsing and scoring
 * run in the background once the file is clean.
 */
export class CandidateService {
  private readonly deps: CandidateServiceDeps;

  constructor(deps: CandidateServiceDeps) {
    this.deps = deps;
  }

  /**
   * One resume into one job. The bytes become an organization file (category `resume`); the same
   * resume twice in one job (same sha256) is one candidate, and the second copy is erased.
   */
  async intake(ctx: RequestContext, jobId: string, upload: { filename: string; body: Readable }): Promise<IntakeOutcome> {
    try {
      const result = await this.admit(ctx, jobId, upload);
      intakeFiles.inc({ outcome: 'duplicate_of' in result ? 'duplicate' : 'created' });
      return result;
    } catch (error) {
      intakeFiles.inc({ outcome: error instanceof AppError && error.status < 500 ? 'rejected' : 'failed' });
      throw error;
    }
  }

  private async admit(ctx: RequestContext, jobId: string, upload: { filename: string; body: Readable }): Promise<IntakeOutcome> {
    const job = await this.deps.jobs.load(ctx, jobId, 'candidate.create');
    const file = await this.deps.uploads.uploadStream(ctx, { filename: upload.filename, category: 'resume', body: upload.body });
    const created = await this.deps.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('candidates')
        .select('id')
        .where('job_id', '=', jobId)
        .where('sha256', '=', file.sha256!)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (existing) return { duplicateOf: existing.id };
      const row = await tx
        .insertInto('candidates')
        .values({
          id: newId(),
          job_id: jobId,
          org_id: job.org_id,
          file_id: file.id,
          application_id: null,
          sha256: file.sha256!,
          original_filename: file.filename,
          status: 'pending',
          deleted_at: null,
        })
        .onConflict((oc) => oc.columns(['job_id', 'sha256']).where('deleted_at', 'is', null).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row)
        return {
          duplicateOf: (
            await tx
              .selectFrom('candidates')
              .select('id')
              .where('job_id', '=', jobId)
              .where('sha256', '=', file.sha256!)
              .where('deleted_at', 'is', null)
              .executeTakeFirstOrThrow()
          ).id,
        };
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'candidate.created',
        orgId: job.org_id,
        fileId: file.id,
        resourceType: 'candidate',
        resourceId: row.id,
        details: { job_id: jobId },
      });
      // The file may already be clean if its scan finished before this commit.
      await this.enqueueParseIfClean(tx, row.id, file.id);
      return { candidate: row };
    });
    if (created.duplicateOf !== undefined) {
      await eraseFile({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, ctx.audit, file.id, 'file.erased');
      return { filename: file.filename ?? upload.filename, duplicate_of: created.duplicateOf };
    }
    return { filename: file.filename ?? upload.filename, candidate_id: created.candidate.id, candidate: toCandidateView(created.candidate) };
  }

  /** Ranked: best score first; filters by status and skill; `q` searches the resume text. */
  async list(ctx: RequestContext, jobId: string, filter: CandidateFilter, page: { limit: number; offset: number }): Promise<CandidateView[]> {
    await this.deps.jobs.load(ctx, jobId, 'candidate.list');
    let query = this.deps.db.selectFrom('candidates').selectAll().where('job_id', '=', jobId).where('deleted_at', 'is', null);
    if (filter.status) query = query.where('status', '=', filter.status as CandidateRow['status']);
    // Exact, without regard to case (no LIKE: "%" and "_" are characters here), among the skills and their broader ones.
    if (filter.skill) query = query.where(sql<boolean>`lower(${filter.skill}) IN (SELECT lower(s) FROM unnest(skills || skill_parents) AS s)`);
    if (filter.q) query = query.where(sql<boolean>`search @@ websearch_to_tsquery('simple', ${filter.q})`);
    const rows = await query
      .orderBy(sql`score DESC NULLS LAST`)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(toCandidateView);
  }

  async get(ctx: RequestContext, candidateId: string): Promise<CandidateView> {
    const row = await this.load(ctx, candidateId, 'candidate.read');
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'candidate.read',
      orgId: row.org_id,
      fileId: row.file_id,
      resourceType: 'candidate',
      resourceId: row.id,
    });
    return toCandidateView(row);
  }

  /** The resume bytes, through the file service (so the file's own checks and audit apply). */
  async file(ctx: RequestContext, candidateId: string, request: { range?: string; ifNoneMatch?: string; head: boolean }): Promise<ContentResponse> {
    const row = await this.load(ctx, candidateId, 'candidate.read');
    return this.deps.files.content(ctx, row.file_id, request);
  }

  /** Rejects a candidate (or takes the rejection back): a rejected candidate falls under the organization's retention for rejected candidates. */
  async decide(ctx: RequestContext, candidateId: string, input: { rejected: boolean }): Promise<CandidateView> {
    const row = await this.load(ctx, candidateId, 'candidate.update');
    return this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      const updated = await tx
        .updateTable('candidates')
        // Taking a rejection back also takes back the announcement of its erasure.
        .set({ rejected_at: input.rejected ? (row.rejected_at ?? now) : null, ...(input.rejected ? {} : { retention_notified_at: null }), updated_at: now })
        .where('id', '=', candidateId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, ctx.audit, {
        action: input.rejected ? 'candidate.rejected' : 'candidate.unrejected',
        orgId: row.org_id,
        fileId: row.file_id,
        resourceType: 'candidate',
        resourceId: row.id,
      });
      return toCandidateView(updated);
    });
  }

  /** Removes the candidate; a file the recruiter uploaded is erased, a candidate's own shared file only loses the share. */
  async delete(ctx: RequestContext, candidateId: string): Promise<void> {
    const row = await this.load(ctx, candidateId, 'candidate.delete');
    await this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      await tx.updateTable('candidates').set(scrubbedCandidate(now)).where('id', '=', candidateId).execute();
      if (row.application_id)
        await tx.updateTable('applications').set({ withdrawn_at: now }).where('id', '=', row.application_id).where('withdrawn_at', 'is', null).execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'candidate.deleted',
        orgId: row.org_id,
        fileId: row.file_id,
        resourceType: 'candidate',
        resourceId: row.id,
      });
    });
    if (!row.application_id) await eraseFile({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, ctx.audit, row.file_id, 'file.erased');
  }

  /** `POST /jobs/{id}/applications`: a candidate shares their own clean files with the job's organization. */
  async apply(ctx: RequestContext, jobId: string, input: { resume_file_id: string; cover_letter_file_id?: string | null; privacy_notice_id?: string | null }) {
    // The policy answers 404 for a job the caller cannot see, 403 for a recruiter or a key.
    const job = await this.deps.jobs.load(ctx, jobId, 'application.create');
    const { actor } = ctx;
    if (actor.kind !== 'user' || actor.role !== 'candidate') throw forbidden('Only candidates apply to jobs.');
    const own = async (fileId: string, category: string) => {
      const file = await this.deps.db.selectFrom('files').selectAll().where('id', '=', fileId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!file || file.owner_id !== actor.userId || file.org_id !== null) throw notFound('File');
      if (file.category !== category) throw new AppError(400, 'wrong_category', `File ${fileId} is a ${file.category}, not a ${category}.`);
      if (file.status !== 'clean') throw new AppError(409, 'file_not_clean', `File ${fileId} is ${file.status}; only clean files can be shared.`);
      return file;
    };
    const resume = await own(input.resume_file_id, 'resume');
    if (input.cover_letter_file_id) await own(input.cover_letter_file_id, 'cover_letter');
    return this.deps.db.transaction().execute(async (tx) => {
      const live = await tx
        .selectFrom('applications')
        .select('id')
        .where('job_id', '=', jobId)
        .where('candidate_user_id', '=', actor.userId)
        .where('withdrawn_at', 'is', null)
        .executeTakeFirst();
      if (live) throw conflict('already_applied', 'You have already applied to this job; withdraw first to apply again.');
      const notice = await this.shownNotice(tx, job.org_id, input.privacy_notice_id ?? null);
      const now = new Date();
      const application = await tx
        .insertInto('applications')
        .values({
          id: newId(),
          job_id: jobId,
          org_id: job.org_id,
          candidate_user_id: actor.userId,
          resume_file_id: resume.id,
          cover_letter_file_id: input.cover_letter_file_id ?? null,
          withdrawn_at: null,
          privacy_notice_id: notice?.id ?? null,
          privacy_notice_seen_at: notice ? now : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // A resume that is already a candidate of this job (uploaded earlier by the recruiter) keeps that candidate.
      const existing = await tx
        .selectFrom('candidates')
        .select('id')
        .where('job_id', '=', jobId)
        .where('sha256', '=', resume.sha256!)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      const candidateId = existing?.id ?? newId();
      if (existing) await tx.updateTable('candidates').set({ application_id: application.id, updated_at: new Date() }).where('id', '=', existing.id).execute();
      else {
        await tx
          .insertInto('candidates')
          .values({
            id: candidateId,
            job_id: jobId,
            org_id: job.org_id,
            file_id: resume.id,
            application_id: application.id,
            sha256: resume.sha256!,
            original_filename: resume.filename,
            status: 'pending',
            deleted_at: null,
          })
          .execute();
        await this.deps.queue.send(JOBS.parseCandidate, { candidateId }, { tx });
      }
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'application.created',
        orgId: job.org_id,
        fileId: resume.id,
        subjectUserId: actor.userId,
        resourceType: 'application',
        resourceId: application.id,
        details: { job_id: jobId, cover_letter_file_id: input.cover_letter_file_id ?? null, privacy_notice_version: notice?.version ?? null },
      });
      return {
        id: application.id,
        job_id: jobId,
        candidate_id: candidateId,
        resume_file_id: resume.id,
        cover_letter_file_id: application.cover_letter_file_id,
        created_at: application.created_at.toISOString(),
        privacy_notice: notice ? { id: notice.id, version: notice.version, seen_at: now.toISOString() } : null,
      };
    });
  }

  /**
   * The privacy notice the candidate was shown: once the organization has published one, an
   * application must name its current version (the client shows it, then sends its id), so that
   * what the candidate saw is on record. An id of another or an older version is refused.
   */
  private async shownNotice(tx: Tx, orgId: string, noticeId: string | null): Promise<{ id: string; version: number } | null> {
    const current = await tx
      .selectFrom('privacy_notices')
      .select(['id', 'version'])
      .where('org_id', '=', orgId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (noticeId === null) {
      if (current)
        throw conflict(
          'privacy_notice_required',
          'Show the organization’s privacy notice (GET /jobs/{id}/privacy-notice) and send its id as privacy_notice_id.',
        );
      return null;
    }
    if (current?.id === noticeId) return current;
    const older = await tx.selectFrom('privacy_notices').select('id').where('id', '=', noticeId).where('org_id', '=', orgId).executeTakeFirst();
    if (older) throw conflict('privacy_notice_outdated', 'The organization has published a newer privacy notice: show it and send its id.');
    throw new AppError(400, 'invalid_privacy_notice', 'privacy_notice_id is not a privacy notice of this job’s organization.');
  }

  /** Withdrawing ends the organization's access to the shared files and removes the candidate. */
  async withdraw(ctx: RequestContext, applicationId: string): Promise<void> {
    const application = await this.deps.db.selectFrom('applications').selectAll().where('id', '=', applicationId).executeTakeFirst();
    if (!application) throw notFound('Application');
    const decision = authorize(ctx.actor, 'application.withdraw', {
      type: 'application',
      candidateUserId: application.candidate_user_id,
      orgId: application.org_id,
    });
    enforce(decision, 'Application');
    if (application.withdrawn_at) return;
    await this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      await tx.updateTable('applications').set({ withdrawn_at: now }).where('id', '=', applicationId).execute();
      await tx.updateTable('candidates').set(scrubbedCandidate(now)).where('application_id', '=', applicationId).where('deleted_at', 'is', null).execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'application.withdrawn',
        orgId: application.org_id,
        fileId: application.resume_file_id,
        subjectUserId: application.candidate_user_id,
        resourceType: 'application',
        resourceId: applicationId,
      });
    });
  }

  /** The candidate's applications (for "my applications" in the UI). */
  async myApplications(ctx: RequestContext) {
    const { actor } = ctx;
    if (actor.kind !== 'user' || actor.role !== 'candidate') throw forbidden('Only candidates have applications.');
    const rows = await this.deps.db
      .selectFrom('applications')
      .innerJoin('jobs', 'jobs.id', 'applications.job_id')
      .select([
        'applications.id',
        'applications.job_id',
        'jobs.title as job_title',
        'applications.resume_file_id',
        'applications.cover_letter_file_id',
        'applications.created_at',
      ])
      .where('applications.candidate_user_id', '=', actor.userId)
      .where('applications.withdrawn_at', 'is', null)
      .orderBy('applications.created_at', 'desc')
      .execute();
    return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() }));
  }

  /** Called when a file's scan verdict commits: pending candidates of that file are parsed, or fail. */
  async onFileVerdict(tx: Tx, fileId: string, result: 'clean' | 'infected' | 'rejected'): Promise<void> {
    if (result === 'clean') {
      const pending = await tx
        .selectFrom('candidates')
        .select('id')
        .where('file_id', '=', fileId)
        .where('status', '=', 'pending')
        .where('deleted_at', 'is', null)
        .execute();
      for (const { id } of pending) await this.deps.queue.send(JOBS.parseCandidate, { candidateId: id }, { tx });
      return;
    }
    await tx
      .updateTable('candidates')
      .set({ status: 'failed', status_reason: `file_${result}`, updated_at: new Date() })
      .where('file_id', '=', fileId)
      .where('status', 'in', ['pending', 'parsing'])
      .execute();
  }

  /**
   * The file row is locked, as the scan's verdict locks it before looking for the file's pending
   * candidates: whichever commits first, exactly one of the two enqueues the parse (without the
   * lock, a verdict between this read and the commit saw neither, or both enqueued it).
   */
  private async enqueueParseIfClean(tx: Tx, candidateId: string, fileId: string): Promise<void> {
    const file = await tx.selectFrom('files').select('status').where('id', '=', fileId).forUpdate().executeTakeFirstOrThrow();
    if (file.status === 'clean') await this.deps.queue.send(JOBS.parseCandidate, { candidateId }, { tx });
    else if (file.status === 'infected' || file.status === 'rejected') await this.onFileVerdict(tx, fileId, file.status);
  }

  private async load(ctx: RequestContext, candidateId: string, action: 'candidate.read' | 'candidate.delete' | 'candidate.update'): Promise<CandidateRow> {
    const row = await this.deps.db.selectFrom('candidates').selectAll().where('id', '=', candidateId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound('Candidate');
    const decision = authorize(ctx.actor, action, { type: 'candidate', orgId: row.org_id });
    enforce(decision, 'Candidate');
    return row;
  }
}
