import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditLog } from '../audit/audit-log.ts';
import { eraseFile, scrubbedCandidate } from '../files/erasure.ts';

export interface CandidateErasure {
  candidate_id: string;
  job_id: string;
  file_id: string;
  /**
   * `erased`: the organization's own copy of the resume (a recruiter's upload) is erased with every
   * version. `unshared`: the resume is a candidate's own file shared by applying; the organization
   * loses access (the application ends) and the file stays its owner's.
   */
  file: 'erased' | 'unshared';
  /** Subject-request exports of the organization that held the candidate and lost their ZIP at once. */
  exports_purged: number;
}

/** Why a candidate is erased, recorded with it in the audit trail. */
export type ErasureReason = { via: 'subject_request'; request_id: string } | { via: 'retention'; rule: 'job_closed' | 'rejected' | 'withdrawn' };

/**
 * Erases what an organization holds about one candidate, through the same path as every erasure:
 * the candidate's parsed data is scrubbed (the row stays as a tombstone with ids only), its
 * application ends, and a resume the organization uploaded itself goes through `eraseFile` (all
 * versions, quarantined and staged copies). Earlier subject-request exports holding the candidate
 * lose their ZIP, and responses kept for `Idempotency-Key` retries that name the candidate or its
 * file are dropped too, since they may carry its file name. Idempotent.
 */
export async function eraseCandidate(
  deps: { db: Db; store: BlobStore; audit: AuditLog },
  context: AuditContext,
  candidateId: string,
  reason: ErasureReason,
): Promise<CandidateErasure | null> {
  const { db } = deps;
  const row = await db.transaction().execute(async (tx) => {
    const candidate = await tx
      .selectFrom('candidates')
      .select(['id', 'org_id', 'job_id', 'file_id', 'application_id'])
      .where('id', '=', candidateId)
      .forUpdate()
      .executeTakeFirst();
    if (!candidate) return null;
    const now = new Date();
    await tx.updateTable('candidates').set(scrubbedCandidate(now)).where('id', '=', candidateId).execute();
    if (candidate.application_id)
      await tx.updateTable('applications').set({ withdrawn_at: now }).where('id', '=', candidate.application_id).where('withdrawn_at', 'is', null).execute();
    await deps.audit.append(tx, context, {
      action: 'candidate.erased',
      orgId: candidate.org_id,
      fileId: candidate.file_id,
      resourceType: 'candidate',
      resourceId: candidate.id,
      details: { ...reason },
    });
    const file = await tx.selectFrom('files').select('org_id').where('id', '=', candidate.file_id).executeTakeFirst();
    return { ...candidate, ownedByOrg: file?.org_id === candidate.org_id };
  });
  if (!row) return null;
  if (row.ownedByOrg) await eraseFile(deps, context, row.file_id, 'file.erased');
  const exportsPurged = await dropExportsHolding(deps, row.org_id, candidateId);
  await db
    .deleteFrom('idempotency_keys')
    .where((eb) => eb.or([eb(sql`strpos(response_body, ${candidateId})`, '>', 0), eb(sql`strpos(response_body, ${row.file_id})`, '>', 0)]))
    .execute();
  return { candidate_id: row.id, job_id: row.job_id, file_id: row.file_id, file: row.ownedByOrg ? 'erased' : 'unshared', exports_purged: exportsPurged };
}

/** Earlier subject-request exports of the organization that hold the candidate lose their ZIP at once (row first, then the bytes). */
export async function dropExportsHolding(deps: { db: Db; store: BlobStore; audit: AuditLog }, orgId: string, candidateId: string): Promise<number> {
  const holding = await deps.db
    .selectFrom('subject_requests')
    .select(['id', 'storage_key'])
    .where('org_id', '=', orgId)
    .where('storage_key', 'is not', null)
    .where('id', 'in', (eb) => eb.selectFrom('subject_request_matches').select('request_id').where('candidate_id', '=', candidateId))
    .execute();
  for (const held of holding) {
    await deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('subject_requests').set({ storage_key: null, updated_at: new Date() }).where('id', '=', held.id).execute();
      await deps.audit.append(tx, SYSTEM_CONTEXT, {
        action: 'subject_request.export_purged',
        orgId,
        resourceType: 'subject_request',
        resourceId: held.id,
        details: { reason: 'erased' },
      });
    });
    if (held.storage_key) await deps.store.delete(held.storage_key);
  }
  return holding.length;
}
