import { sql, type Kysely } from 'kysely';

/**
 * A person's own data: exports of it (a ZIP in the blob store, kept for a limited time) and the
 * erasure of their account. An erased account keeps its row as a tombstone without personal data
 * (`erased_at`), because erased files and audit entries still name its id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE users ADD COLUMN erased_at timestamptz;

    CREATE TABLE data_exports (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('pending', 'running', 'ready', 'failed', 'expired')),
      storage_key text,
      size bigint,
      -- Whole milliseconds, like every timestamp a list cursor carries.
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      updated_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX data_exports_user ON data_exports (user_id, created_at DESC);
    -- The purge job looks for exports past their expiry that still hold bytes or a pending build.
    CREATE INDEX data_exports_expiring ON data_exports (expires_at) WHERE status <> 'expired';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE data_exports;
    ALTER TABLE users DROP COLUMN erased_at;
  `.execute(db);
}
