import { sql } from 'kysely';
import type { Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CandidatesTable } from '../../db/schema.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { stagingKey } from './keys.ts';

/**
 * What a removed candidate keeps of its file: nothing. Every column read or derived from the
 * resume (the parsed fields, the evidence lines, the score and its breakdown, the file's name and
 * sha256) is cleared; the row stays only as the tombstone of a candidate that existed.
 */
export const scrubbedCandidate = (now: Date): Updateable<CandidatesTable> => ({
  name: null,
  email: null,
  phone: null,
  phone_valid: null,
  links: null,
  skills: [],
  skill_parents: [],
  skill_evidence: null,
  text_source: null,
  experience_years: null,
  score: null,
  score_breakdown: null,
  scorer: null,
  resume_text: null,
  original_filename: null,
  sha256: null,
  deleted_at: now,
  updated_at: now,
});

/**
 * GDPR erasure: row first (personal data scrubbed, the file marked erased, a tombstone in the
 * audit trail), then every version's bytes, quarantined and staged copies included. Idempotent: running it
 * again on an erased file only retries the blob deletions.
 */
export async function eraseFile(
  deps: { db: Db; store: BlobStore; audit: AuditLog },
  context: AuditContext,
  fileId: string,
  action: 'file.erased' | 'file.purged',
): Promise<void> {
  const { db, store, audit } = deps;
  await db.transaction().execute(async (tx) => {
    const file = await tx.selectFrom('files').select(['id', 'org_id', 'owner_id', 'erased_at']).where('id', '=', fileId).forUpdate().executeTakeFirst();
    if (!file || file.erased_at) return;
    const now = new Date();
    await tx
      .updateTable('files')
      .set({
        status: 'deleted',
        filename: null,
        sha256: null,
        scan: null,
        deleted_at: sql<Date>`coalesce(deleted_at, ${now})`,
        erased_at: now,
        updated_at: now,
      })
      .where('id', '=', fileId)
      .execute();
    await tx.updateTable('file_versions').set({ filename: null, sha256: null, updated_at: now }).where('file_id', '=', fileId).execute();
    // Candidates parsed from this file lose their extracted personal data too.
    await tx.updateTable('candidates').set(scrubbedCandidate(now)).where('file_id', '=', fileId).execute();
    await tx
      .updateTable('applications')
      .set({ withdrawn_at: now })
      .where('withdrawn_at', 'is', null)
      .where((eb) => eb.or([eb('resume_file_id', '=', fileId), eb('cover_letter_file_id', '=', fileId)]))
      .execute();
    await audit.append(tx, context, { action, orgId: file.org_id, fileId, subjectUserId: file.owner_id });
  });
  const versions = await db.selectFrom('file_versions').select(['version', 'storage_key', 'quarantine_key']).where('file_id', '=', fileId).execute();
  for (const version of versions) {
    await store.delete(version.storage_key);
    // Bytes a pre-signed upload staged (S3) and that no `complete` moved into place yet.
    await store.delete(stagingKey(fileId, version.version));
    if (version.quarantine_key) await store.delete(version.quarantine_key);
  }
}
