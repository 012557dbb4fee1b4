import { sql, type Kysely } from 'kysely';

/**
 * Retention policies per organization: how long candidates are kept after their job closed, and
 * after they were rejected or withdrew; both off (NULL) by default. A job records when it closed,
 * a candidate when it was rejected, and when the `retention.due` webhook announced its erasure.
 * Jobs closed before this migration count as closed since their last change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE organizations
      ADD COLUMN candidate_retention_days integer CHECK (candidate_retention_days > 0),
      ADD COLUMN rejected_retention_days integer CHECK (rejected_retention_days > 0),
      ADD COLUMN retention_notice_days integer NOT NULL DEFAULT 14 CHECK (retention_notice_days >= 0);
    ALTER TABLE jobs ADD COLUMN closed_at timestamptz;
    UPDATE jobs SET closed_at = coalesce(deleted_at, updated_at) WHERE status = 'closed';
    ALTER TABLE candidates
      ADD COLUMN rejected_at timestamptz,
      ADD COLUMN retention_notified_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE candidates DROP COLUMN retention_notified_at, DROP COLUMN rejected_at;
    ALTER TABLE jobs DROP COLUMN closed_at;
    ALTER TABLE organizations DROP COLUMN retention_notice_days, DROP COLUMN rejected_retention_days, DROP COLUMN candidate_retention_days;
  `.execute(db);
}
