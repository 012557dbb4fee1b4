import { sql, type Kysely } from 'kysely';

/**
 * Privacy notices: each organization publishes versions of its notice (a text, a URL, or both);
 * versions are never changed, a new one replaces the current. An application records which
 * version the candidate was shown and when.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE privacy_notices (
      id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      version integer NOT NULL,
      text text,
      url text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      CHECK (text IS NOT NULL OR url IS NOT NULL),
      UNIQUE (org_id, version)
    );
    ALTER TABLE applications
      ADD COLUMN privacy_notice_id uuid REFERENCES privacy_notices (id),
      ADD COLUMN privacy_notice_seen_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE applications DROP COLUMN privacy_notice_seen_at, DROP COLUMN privacy_notice_id;
    DROP TABLE privacy_notices;
  `.execute(db);
}
