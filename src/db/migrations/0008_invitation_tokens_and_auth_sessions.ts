import { sql, type Kysely } from 'kysely';

/**
 * Invitations become single-use bearer tokens: only the sha256 of the token is stored, each one
 * expires and can be cancelled, and registering with the invited address alone no longer claims
 * it. Invitations made before this migration carried no token: they expire now (an admin invites
 * again to get a token to send).
 *
 * Logins become sessions (`auth_sessions`): each access token names its session (`sid`), and a
 * revoked session (logout, a reused refresh token) refuses its access tokens at once instead of
 * letting them run out. A session is the family of refresh tokens of one login; existing families
 * become sessions, revoked when every token of theirs was.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE invitations
      ADD COLUMN token_hash text UNIQUE,
      ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN cancelled_at timestamptz,
      ADD COLUMN accepted_by uuid REFERENCES users (id) ON DELETE SET NULL;
    ALTER TABLE invitations ALTER COLUMN expires_at DROP DEFAULT;
    -- A new invitation to the same address replaces the open one (the admin may have lost the token).
    DROP INDEX invitations_open_email;
    CREATE INDEX invitations_org_email ON invitations (org_id, lower(email)) WHERE accepted_at IS NULL AND cancelled_at IS NULL;
    CREATE INDEX invitations_org_created ON invitations (org_id, created_at DESC, id DESC);

    CREATE TABLE auth_sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
    INSERT INTO auth_sessions (id, user_id, created_at, revoked_at)
      SELECT family_id, (array_agg(user_id))[1], min(created_at), CASE WHEN bool_and(revoked_at IS NOT NULL) THEN max(revoked_at) END
      FROM refresh_tokens GROUP BY family_id;
    ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_session FOREIGN KEY (family_id) REFERENCES auth_sessions (id) ON DELETE CASCADE;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_session;
    DROP TABLE auth_sessions;
    DROP INDEX invitations_org_created;
    DROP INDEX invitations_org_email;
    DELETE FROM invitations WHERE accepted_at IS NULL AND cancelled_at IS NULL AND token_hash IS NOT NULL;
    ALTER TABLE invitations DROP COLUMN token_hash, DROP COLUMN expires_at, DROP COLUMN cancelled_at, DROP COLUMN accepted_by;
    DELETE FROM invitations WHERE accepted_at IS NULL AND id NOT IN (
      SELECT DISTINCT ON (org_id, lower(email)) id FROM invitations WHERE accepted_at IS NULL ORDER BY org_id, lower(email), created_at DESC
    );
    CREATE UNIQUE INDEX invitations_open_email ON invitations (org_id, lower(email)) WHERE accepted_at IS NULL;
  `.execute(db);
}
