import type { Db } from '../../db/database.ts';
import type { FileRow } from '../../db/schema.ts';
import { toCandidateView, type CandidateView } from '../hiring/candidate-view.ts';
import { toFileView, toVersionView, type FileView, type VersionView } from '../files/file-view.ts';

/** What Vitae holds about one person, as written to `data.json` of their export. */
export interface PersonalData {
  format: 'vitae.personal-data.v1';
  generated_at: string;
  account: { id: string; email: string; name: string; role: string; external_identity: string | null; created_at: string; updated_at: string };
  files: Array<FileView & { deleted_at: string | null; versions: VersionView[]; archive_path: string | null }>;
  applications: Array<{
    id: string;
    job_id: string;
    job_title: string;
    org_id: string;
    org_name: string;
    resume_file_id: string;
    cover_letter_file_id: string | null;
    created_at: string;
    withdrawn_at: string | null;
    /** The version of the organization's privacy notice shown before applying, and when. */
    privacy_notice: { id: string; version: number; text: string | null; url: string | null; seen_at: string | null } | null;
  }>;
  /** What each organization parsed and scored from the resumes the person sent them. */
  candidate_records: Array<CandidateView & { org_id: string; resume_text: string | null; deleted_at: string | null }>;
  audit_entries: Array<{
    id: string;
    at: string;
    actor_id: string | null;
    actor_type: string;
    action: string;
    outcome: string;
    org_id: string | null;
    file_id: string | null;
    resource_type: string | null;
    resource_id: string | null;
    ip: string | null;
    user_agent: string | null;
    request_id: string | null;
    details: Record<string, unknown> | null;
  }>;
}

/** A file whose current bytes go into the archive, and where. */
export interface ArchivedFile {
  path: string;
  storageKey: string;
}

/**
 * Everything stored about a person: their account (without its password hash), their files with
 * every version's metadata (files already erased have nothing left to give), their applications,
 * the candidate records organizations made from those applications, and the audit entries about
 * their files and their account. Only rows that name this person are read; nothing of another
 * person or organization is joined in beyond the name of the organization and job they applied to.
 */
export async function collectPersonalData(db: Db, userId: string): Promise<{ data: PersonalData; archived: ArchivedFile[] }> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirstOrThrow();
  const files = await db
    .selectFrom('files')
    .selectAll()
    .where('owner_id', '=', userId)
    .where('erased_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const fileIds = files.map((file) => file.id);
  const versions = fileIds.length ? await db.selectFrom('file_versions').selectAll().where('file_id', 'in', fileIds).orderBy('version').execute() : [];
  const applications = await db
    .selectFrom('applications')
    .innerJoin('jobs', 'jobs.id', 'applications.job_id')
    .innerJoin('organizations', 'organizations.id', 'applications.org_id')
    .leftJoin('privacy_notices', 'privacy_notices.id', 'applications.privacy_notice_id')
    .select([
      'privacy_notices.version as notice_version',
      'privacy_notices.text as notice_text',
      'privacy_notices.url as notice_url',
      'applications.privacy_notice_id',
      'applications.privacy_notice_seen_at',
      'applications.id',
      'applications.job_id',
      'jobs.title as job_title',
      'applications.org_id',
      'organizations.name as org_name',
      'applications.resume_file_id',
      'applications.cover_letter_file_id',
      'applications.created_at',
      'applications.withdrawn_at',
    ])
    .where('applications.candidate_user_id', '=', userId)
    .orderBy('applications.created_at')
    .execute();
  const applicationIds = applications.map((application) => application.id);
  const candidates = applicationIds.length
    ? await db.selectFrom('candidates').selectAll().where('application_id', 'in', applicationIds).orderBy('created_at').execute()
    : [];
  const audit = await db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) =>
      eb.or([...(fileIds.length ? [eb('file_id', 'in', fileIds)] : []), eb.and([eb('resource_type', '=', 'user'), eb('resource_id', '=', userId)])]),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();

  const archived: ArchivedFile[] = [];
  const fileEntries = files.map((file) => {
    const fileVersions = versions.filter((version) => version.file_id === file.id);
    const current = fileVersions.find((version) => version.version === file.version);
    const path = current && isServable(file, current.status) ? `files/${file.id}/${current.filename ?? 'file'}` : null;
    if (path && current) archived.push({ path, storageKey: current.storage_key });
    return { ...toFileView(file), deleted_at: iso(file.deleted_at), versions: fileVersions.map(toVersionView), archive_path: path };
  });

  return {
    archived,
    data: {
      format: 'vitae.personal-data.v1',
      generated_at: new Date().toISOString(),
      account: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        external_identity: user.external_subject,
        created_at: user.created_at.toISOString(),
        updated_at: user.updated_at.toISOString(),
      },
      files: fileEntries,
      applications: applications.map(({ notice_version, notice_text, notice_url, privacy_notice_id, privacy_notice_seen_at, ...application }) => ({
        ...application,
        created_at: application.created_at.toISOString(),
        withdrawn_at: iso(application.withdrawn_at),
        privacy_notice:
          privacy_notice_id && notice_version !== null
            ? { id: privacy_notice_id, version: notice_version, text: notice_text, url: notice_url, seen_at: iso(privacy_notice_seen_at) }
            : null,
      })),
      candidate_records: candidates.map((row) => ({
        ...toCandidateView(row),
        org_id: row.org_id,
        resume_text: row.resume_text,
        deleted_at: iso(row.deleted_at),
      })),
      audit_entries: audit.map((row) => {
        // Where and with what another person (a recruiter reading a shared resume) made a request is theirs, not this person's.
        const own = row.actor_id === userId;
        return {
          id: row.id,
          at: row.at.toISOString(),
          actor_id: row.actor_id,
          actor_type: row.actor_type,
          action: row.action,
          outcome: row.outcome,
          org_id: row.org_id,
          file_id: row.file_id,
          resource_type: row.resource_type,
          resource_id: row.resource_id,
          ip: own ? row.ip : null,
          user_agent: own ? row.user_agent : null,
          request_id: own ? row.request_id : null,
          details: row.details,
        };
      }),
    },
  };
}

/**
 * Only bytes that would be served to the person are archived: a live file whose current version
 * is clean. Infected or rejected bytes stay in quarantine, never handed out, not even to their owner.
 */
function isServable(file: FileRow, versionStatus: string): boolean {
  return file.deleted_at === null && versionStatus === 'clean';
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
