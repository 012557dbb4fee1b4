import { sql, type Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { keysetPage } from '../../db/keyset.ts';
import type { SubjectRequestAction, SubjectRequestsTable } from '../../db/schema.ts';
import { checkEmail } from '../../domain/email.ts';
import { contentDisposition } from '../../domain/filename.ts';
import { newId } from '../../domain/ids.ts';
import { AppError, conflict, notFound } from '../../errors.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { JobQueue } from '../../queue/queue.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditLog } from '../audit/audit-log.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import { toFileView, toVersionView } from '../files/file-view.ts';
import { toCandidateView } from '../hiring/candidate-view.ts';
import { eraseCandidate, type CandidateErasure } from './candidate-erasure.ts';
import { exportKey, zipArchive } from './exports.ts';
import type { ArchivedFile } from './personal-data.ts';

type RequestRow = Selectable<SubjectRequestsTable>;

export interface SubjectMatch {
  candidate_id: string;
  job_id: string;
  job_title: string;
  file_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  filename: string | null;
  /** Whether the resume came through the person's own application (their file stays theirs). */
  via_application: boolean;
  erased: boolean;
}

export interface SubjectRequestView {
  id: string;
  org_id: string;
  action: SubjectRequestAction;
  status: RequestRow['status'];
  created_at: string;
  confirmed_at: string | null;
  completed_at: string | null;
  matches: SubjectMatch[];
  report: Record<string, unknown> | null;
  size: number | null;
  expires_at: string | null;
  download_url?: string;
  download_url_expires_at?: string;
}

/**
 * A phone number as digits only (country code included when it can be read). libphonenumber's
 * metadata is loaded by the first request that gives a phone, not by every API process at start
 * (about 2 MB of heap and more of resident memory: bench/README.md, "Memory").
 */
export async function phoneDigits(raw: string): Promise<string | null> {
  const { parsePhoneNumberFromString } = await import('libphonenumber-js');
  const parsed = parsePhoneNumberFromString(raw.trim().replace(/^00(?=[1-9])/, '+'));
  const digits = parsed?.isValid() ? parsed.number.slice(1) : raw.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : null;
}

interface SubjectRequestsDeps {
  db: Db;
  store: BlobStore;
  queue: JobQueue;
  audit: AuditLog;
  config: Config;
}

/**
 * Subject requests of an organization for a person who has no account: filed with the person's
 * email address (and phone), they list every live candidate of the organization whose parsed
 * address or phone matches, across all jobs; once confirmed, a queue job exports them (one ZIP like
 * a person's own export) or erases them all through `eraseCandidate`, and the request keeps a
 * report of what was done, with ids only. The address and phone searched for are never stored.
 */
export class SubjectRequests {
  private readonly deps: SubjectRequestsDeps;

  constructor(deps: SubjectRequestsDeps) {
    this.deps = deps;
  }

  async create(ctx: RequestContext, orgId: string, input: { email: string; phone?: string | null; action: SubjectRequestAction }): Promise<SubjectRequestView> {
    this.authorize(ctx, orgId);
    const email = checkEmail(input.email);
    if (!email.ok) throw new AppError(400, 'invalid_email', 'The email address is not valid.');
    const phone = input.phone ? await phoneDigits(input.phone) : null;
    if (input.phone && !phone) throw new AppError(400, 'invalid_phone', 'The phone number must have 7 to 15 digits.');

    const stored = sql<string>`regexp_replace(phone, '\\D', '', 'g')`;
    const matches = await this.deps.db
      .selectFrom('candidates')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb(sql`lower(email)`, '=', email.email.toLowerCase()),
          ...(phone
            ? [
                eb(stored, '=', phone),
                // A number written without its country code matches the same number with it (8 digits at least on both sides).
                eb.and([
                  eb(sql`length(${stored})`, '>=', 8),
                  sql<boolean>`length(${phone}) >= 8`,
                  sql<boolean>`(right(${stored}, length(${phone})) = ${phone} OR right(${phone}, length(${stored})) = ${stored})`,
                ]),
              ]
            : []),
        ]),
      )
      .execute();

    const row = await this.deps.db.transaction().execute(async (tx) => {
      const created = await tx
        .insertInto('subject_requests')
        .values({ id: newId(), org_id: orgId, action: input.action, status: 'pending', requested_by: ctx.audit.actorId })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (matches.length)
        await tx
          .insertInto('subject_request_matches')
          .values(matches.map((match) => ({ request_id: created.id, candidate_id: match.id })))
          .execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'subject_request.created',
        orgId,
        resourceType: 'subject_request',
        resourceId: created.id,
        details: { action: input.action, matches: matches.length, by_phone: phone !== null },
      });
      return created;
    });
    return this.view(row);
  }

  async list(
    ctx: RequestContext,
    orgId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: SubjectRequestView[]; next_cursor: string | null }> {
    this.authorize(ctx, orgId);
    const query = this.deps.db.selectFrom('subject_requests').selectAll().where('org_id', '=', orgId);
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, page);
    return { items: await Promise.all(items.map((row) => this.view(row))), next_cursor };
  }

  /** One request with its matches; a completed export comes with a fresh short-lived download URL (audited). */
  async get(ctx: RequestContext, orgId: string, requestId: string): Promise<SubjectRequestView> {
    const row = await this.load(ctx, orgId, requestId);
    const view = await this.view(row);
    const remainingSeconds = row.expires_at ? Math.floor((row.expires_at.getTime() - Date.now()) / 1000) : 0;
    if (row.status !== 'completed' || !row.storage_key || remainingSeconds < 1) return view;
    const signed = await this.deps.store.presignGet(row.storage_key, {
      expiresInSeconds: Math.min(this.deps.config.downloads.urlTtlSeconds, remainingSeconds),
      contentType: 'application/zip',
      contentDisposition: contentDisposition(`subject-request-${row.id}.zip`),
    });
    await this.deps.audit.append(this.deps.db, ctx.audit, {
      action: 'subject_request.download_url_issued',
      orgId,
      resourceType: 'subject_request',
      resourceId: row.id,
    });
    return { ...view, download_url: signed.url, download_url_expires_at: signed.expiresAt.toISOString() };
  }

  /** The confirmation: the request runs in the background (poll `get` until `completed`). Only a pending request can be confirmed. */
  async confirm(ctx: RequestContext, orgId: string, requestId: string): Promise<SubjectRequestView> {
    await this.load(ctx, orgId, requestId);
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const now = new Date();
      const confirmed = await tx
        .updateTable('subject_requests')
        .set({ status: 'running', confirmed_by: ctx.audit.actorId, confirmed_at: now, updated_at: now })
        .where('id', '=', requestId)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (!confirmed) throw conflict('subject_request_not_pending', 'This request was confirmed already.');
      await this.deps.queue.send(JOBS.runSubjectRequest, { requestId }, { tx });
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'subject_request.confirmed',
        orgId,
        resourceType: 'subject_request',
        resourceId: requestId,
        details: { action: confirmed.action },
      });
      return confirmed;
    });
    return this.view(row);
  }

  /** The queue job: erases or exports every matched candidate, then records the report. */
  async run(requestId: string, attempt: number, final: boolean): Promise<void> {
    const row = await this.deps.db.selectFrom('subject_requests').selectAll().where('id', '=', requestId).where('status', '=', 'running').executeTakeFirst();
    if (!row) return;
    // The worker acts for the request: the trail already names who filed and who confirmed it.
    const context = SYSTEM_CONTEXT;
    const candidateIds = (await this.deps.db.selectFrom('subject_request_matches').select('candidate_id').where('request_id', '=', requestId).execute()).map(
      (match) => match.candidate_id,
    );
    const key = exportKey(requestId, attempt);
    try {
      let outcome: { report: Record<string, unknown>; storage_key?: string; size?: number; expires_at?: Date };
      if (row.action === 'erase') {
        const erased: CandidateErasure[] = [];
        for (const id of candidateIds) {
          const done = await eraseCandidate({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, context, id, {
            via: 'subject_request',
            request_id: requestId,
          });
          if (done) erased.push(done);
        }
        outcome = {
          report: {
            exports_purged: erased.reduce((sum, entry) => sum + entry.exports_purged, 0),
            candidates_erased: erased.length,
            files_erased: erased.filter((entry) => entry.file === 'erased').length,
            files_unshared: erased.filter((entry) => entry.file === 'unshared').length,
            candidates: erased,
          },
        };
      } else {
        const { data, archived } = await this.collect(row, candidateIds);
        const { size } = await this.deps.store.put(key, zipArchive(this.deps.store, data, archived), { contentType: 'application/zip' });
        outcome = {
          report: { candidates_exported: data.candidates.length, files_exported: archived.length, files_listed: data.files.length },
          storage_key: key,
          size,
          expires_at: new Date(Date.now() + this.deps.config.exports.ttlSeconds * 1000),
        };
      }
      const finished = await this.deps.db.transaction().execute(async (tx) => {
        const now = new Date();
        const done = await tx
          .updateTable('subject_requests')
          .set({
            status: 'completed',
            report: JSON.stringify(outcome.report),
            storage_key: outcome.storage_key ?? null,
            size: outcome.size ?? null,
            expires_at: outcome.expires_at ?? null,
            completed_at: now,
            updated_at: now,
          })
          .where('id', '=', requestId)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) return false;
        const { candidates: _ids, ...counts } = outcome.report;
        await this.deps.audit.append(tx, context, {
          action: 'subject_request.completed',
          orgId: row.org_id,
          resourceType: 'subject_request',
          resourceId: requestId,
          details: { action: row.action, ...counts },
        });
        return true;
      });
      if (!finished && outcome.storage_key) await this.deps.store.delete(outcome.storage_key);
    } catch (error) {
      if (row.action === 'export') await this.deps.store.delete(key).catch(() => {});
      if (final) await this.fail(row);
      throw error;
    }
  }

  /** Export ZIPs past their expiry: the row lets go of the key first, then the bytes go. */
  async purgeExpired(now = new Date()): Promise<number> {
    const due = await this.deps.db
      .selectFrom('subject_requests')
      .select(['id', 'org_id', 'storage_key'])
      .where('storage_key', 'is not', null)
      .where('expires_at', '<', now)
      .limit(1000)
      .execute();
    for (const row of due) {
      await this.deps.db.transaction().execute(async (tx) => {
        await tx.updateTable('subject_requests').set({ storage_key: null, updated_at: new Date() }).where('id', '=', row.id).execute();
        await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
          action: 'subject_request.export_purged',
          orgId: row.org_id,
          resourceType: 'subject_request',
          resourceId: row.id,
        });
      });
      if (row.storage_key) await this.deps.store.delete(row.storage_key);
    }
    return due.length;
  }

  /**
   * What the organization holds about the matched candidates: their records with the parsed data
   * and resume text, the job each belongs to, the files (every version's metadata) and the audit
   * entries about them, without the addresses and user agents of the people who made those
   * requests (their data, not the subject's). Bytes of every live clean file go into the archive.
   */
  private async collect(row: RequestRow, candidateIds: string[]) {
    const org = await this.deps.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', row.org_id).executeTakeFirstOrThrow();
    const candidates = candidateIds.length
      ? await this.deps.db
          .selectFrom('candidates')
          .innerJoin('jobs', 'jobs.id', 'candidates.job_id')
          .selectAll('candidates')
          .select('jobs.title as job_title')
          .where('candidates.id', 'in', candidateIds)
          .where('candidates.org_id', '=', row.org_id)
          .orderBy('candidates.created_at')
          .execute()
      : [];
    const fileIds = [...new Set(candidates.map((candidate) => candidate.file_id))];
    const files = fileIds.length
      ? await this.deps.db.selectFrom('files').selectAll().where('id', 'in', fileIds).where('erased_at', 'is', null).orderBy('created_at').execute()
      : [];
    const versions = files.length
      ? await this.deps.db
          .selectFrom('file_versions')
          .selectAll()
          .where(
            'file_id',
            'in',
            files.map((file) => file.id),
          )
          .orderBy('version')
          .execute()
      : [];
    const audit =
      candidates.length > 0
        ? await this.deps.db
            .selectFrom('audit_events')
            .selectAll()
            .where('org_id', '=', row.org_id)
            .where((eb) =>
              eb.or([
                ...(files.length
                  ? [
                      eb(
                        'file_id',
                        'in',
                        files.map((file) => file.id),
                      ),
                    ]
                  : []),
                eb.and([
                  eb('resource_type', '=', 'candidate'),
                  eb(
                    'resource_id',
                    'in',
                    candidates.map((candidate) => candidate.id),
                  ),
                ]),
              ]),
            )
            .orderBy('at')
            .orderBy('id')
            .execute()
        : [];
    const archived: ArchivedFile[] = [];
    const fileEntries = files.map((file) => {
      const fileVersions = versions.filter((version) => version.file_id === file.id);
      const current = fileVersions.find((version) => version.version === file.version);
      const path = current && file.deleted_at === null && current.status === 'clean' ? `files/${file.id}/${current.filename ?? 'file'}` : null;
      if (path && current) archived.push({ path, storageKey: current.storage_key });
      return { ...toFileView(file), deleted_at: file.deleted_at?.toISOString() ?? null, versions: fileVersions.map(toVersionView), archive_path: path };
    });
    const data = {
      format: 'vitae.subject-data.v1',
      generated_at: new Date().toISOString(),
      organization: org,
      request: { id: row.id, created_at: row.created_at.toISOString() },
      candidates: candidates.map((candidate) => ({ ...toCandidateView(candidate), job_title: candidate.job_title, resume_text: candidate.resume_text })),
      files: fileEntries,
      audit_entries: audit.map((entry) => ({
        id: entry.id,
        at: entry.at.toISOString(),
        actor_id: entry.actor_id,
        actor_type: entry.actor_type,
        action: entry.action,
        outcome: entry.outcome,
        file_id: entry.file_id,
        resource_type: entry.resource_type,
        resource_id: entry.resource_id,
        details: entry.details,
      })),
    };
    return { data, archived };
  }

  private async fail(row: RequestRow): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const failed = await tx
        .updateTable('subject_requests')
        .set({ status: 'failed', updated_at: new Date() })
        .where('id', '=', row.id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(failed.numUpdatedRows) === 0) return;
      await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
        action: 'subject_request.failed',
        orgId: row.org_id,
        resourceType: 'subject_request',
        resourceId: row.id,
      });
    });
  }

  private authorize(ctx: RequestContext, orgId: string): void {
    authorizeOrThrow(ctx.actor, 'subject_request.manage', { type: 'org_scope', orgId }, 'Organization');
  }

  private async load(ctx: RequestContext, orgId: string, requestId: string): Promise<RequestRow> {
    this.authorize(ctx, orgId);
    const row = await this.deps.db.selectFrom('subject_requests').selectAll().where('id', '=', requestId).where('org_id', '=', orgId).executeTakeFirst();
    if (!row) throw notFound('Subject request');
    return row;
  }

  private async view(row: RequestRow): Promise<SubjectRequestView> {
    const matches = await this.deps.db
      .selectFrom('subject_request_matches')
      .innerJoin('candidates', 'candidates.id', 'subject_request_matches.candidate_id')
      .innerJoin('jobs', 'jobs.id', 'candidates.job_id')
      .select([
        'candidates.id as candidate_id',
        'candidates.job_id',
        'jobs.title as job_title',
        'candidates.file_id',
        'candidates.name',
        'candidates.email',
        'candidates.phone',
        'candidates.original_filename as filename',
        'candidates.application_id',
        'candidates.deleted_at',
      ])
      .where('subject_request_matches.request_id', '=', row.id)
      .orderBy('candidates.created_at')
      .execute();
    return {
      id: row.id,
      org_id: row.org_id,
      action: row.action,
      status: row.status,
      created_at: row.created_at.toISOString(),
      confirmed_at: row.confirmed_at?.toISOString() ?? null,
      completed_at: row.completed_at?.toISOString() ?? null,
      matches: matches.map(({ application_id, deleted_at, ...match }) => ({ ...match, via_application: application_id !== null, erased: deleted_at !== null })),
      report: row.report,
      size: row.size === null ? null : Number(row.size),
      expires_at: row.storage_key && row.expires_at ? row.expires_at.toISOString() : null,
    };
  }
}
