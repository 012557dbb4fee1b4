import { sql, type Kysely } from 'kysely';

/**
 * Subject requests: an organization exports or erases what it holds about a person who has no
 * account (their resume was uploaded by a recruiter). The address and phone number searched for
 * are never stored: the request keeps the ids of the candidates they matched when it was filed,
 * so that after an erasure nothing here names the person.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE subject_requests (
      id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      action text NOT NULL CHECK (action IN ('export', 'erase')),
      status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
      requested_by uuid,
      confirmed_by uuid,
      report jsonb,
      storage_key text,
      size bigint,
      -- Whole milliseconds, like every timestamp a list cursor carries.
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      updated_at timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      completed_at timestamptz,
      expires_at timestamptz
    );
    CREATE INDEX subject_requests_org ON subject_requests (org_id, created_at DESC);
    CREATE INDEX subject_requests_expiring ON subject_requests (expires_at) WHERE storage_key IS NOT NULL;

    CREATE TABLE subject_request_matches (
      request_id uuid NOT NULL REFERENCES subject_requests (id) ON DELETE CASCADE,
      candidate_id uuid NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
      PRIMARY KEY (request_id, candidate_id)
    );
    CREATE INDEX subject_request_matches_candidate ON subject_request_matches (candidate_id);
    -- Matching by parsed address within an organization.
    CREATE INDEX candidates_org_email ON candidates (org_id, lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX candidates_org_email;
    DROP TABLE subject_request_matches;
    DROP TABLE subject_requests;
  `.execute(db);
}
