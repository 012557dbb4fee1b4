import { sql, type Kysely } from 'kysely';

/**
 * The first outcome of each request sent with an `Idempotency-Key`, so that a retry with the same
 * key gets it back instead of creating a second resource. `scope` is the caller (user or API key)
 * and its organization: two callers never share keys. `fingerprint` (method, route, caller and
 * body) tells a retry from a different request reusing the key; it is null while the first request
 * of a streamed upload still runs, since only reading the body tells it. `status_code` is null while
 * the first request runs. Rows are kept for 24 hours (`expires_at`), then purged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      fingerprint text,
      status_code integer,
      content_type text,
      response_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (scope, key)
    )
  `.execute(db);
  await sql`CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE idempotency_keys`.execute(db);
}
