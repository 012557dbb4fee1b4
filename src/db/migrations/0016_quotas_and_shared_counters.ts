import { sql, type Kysely } from 'kysely';

/**
 * Quotas and the limits every process shares.
 * - `org_quotas`: an organization's own limits, overriding the configured defaults (null: the default;
 *   0: unlimited). Set by the operator (`vitae quota`).
 * - `rate_counters`: fixed-window counters (auth attempts, uploads per hour, LLM calls per job) that all
 *   API processes and workers increment, so N processes enforce one limit. UNLOGGED: no WAL for a
 *   hot counter, and a crash that empties it only forgives the current windows. Not part of backups.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE org_quotas (
      org_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
      max_bytes bigint CHECK (max_bytes >= 0),
      max_uploads_per_hour integer CHECK (max_uploads_per_hour >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE UNLOGGED TABLE rate_counters (
      key text PRIMARY KEY,
      count integer NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX rate_counters_expires_at ON rate_counters (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE rate_counters;
    DROP TABLE org_quotas;
  `.execute(db);
}
