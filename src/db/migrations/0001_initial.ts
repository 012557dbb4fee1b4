import { sql, type Kysely } from 'kysely';

/** Identity, files with their versions, and the hash-chained audit trail. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('candidate', 'recruiter')),
      password_hash text,
      external_subject text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- Emails are unique case-insensitively.
    CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

    -- A recruiter belongs to one organization.
    CREATE TABLE memberships (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      org_role text NOT NULL CHECK (org_role IN ('admin', 'member')),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX memberships_org ON memberships (org_id);

    -- An invitation for an email that has no account yet; claimed at registration.
    CREATE TABLE invitations (
      id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      email text NOT NULL,
      org_role text NOT NULL CHECK (org_role IN ('admin', 'member')),
      invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      accepted_at timestamptz
    );
    CREATE UNIQUE INDEX invitations_open_email ON invitations (org_id, lower(email)) WHERE accepted_at IS NULL;

    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

    CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      scopes text[] NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_org ON api_keys (org_id);

    -- owner_id is null for files uploaded by an organization's API key (org_id is then set).
    CREATE TABLE files (
      id uuid PRIMARY KEY,
      owner_id uuid REFERENCES users (id),
      org_id uuid REFERENCES organizations (id),
      category text NOT NULL,
      filename text,
      content_type text NOT NULL,
      size bigint NOT NULL,
      sha256 text,
      status text NOT NULL,
      status_reason text,
      version integer NOT NULL DEFAULT 1,
      latest_version integer NOT NULL DEFAULT 1,
      scan jsonb,
      scanned_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      erased_at timestamptz
    );
    -- Keyset pagination, newest first, per visibility scope.
    CREATE INDEX files_org_created ON files (org_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
    CREATE INDEX files_owner_created ON files (owner_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
    CREATE INDEX files_pending ON files (created_at) WHERE status = 'pending_upload';
    CREATE INDEX files_deleted ON files (deleted_at) WHERE deleted_at IS NOT NULL AND erased_at IS NULL;

    CREATE TABLE file_versions (
      file_id uuid NOT NULL REFERENCES files (id) ON DELETE CASCADE,
      version integer NOT NULL,
      storage_key text NOT NULL UNIQUE,
      filename text,
      content_type text NOT NULL,
      declared_size bigint NOT NULL,
      size bigint,
      sha256 text,
      status text NOT NULL,
      status_reason text,
      scan jsonb,
      scanned_at timestamptz,
      quarantine_key text,
      quarantined_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (file_id, version)
    );
    CREATE INDEX file_versions_status ON file_versions (status, updated_at);
    CREATE INDEX file_versions_quarantine ON file_versions (quarantined_at) WHERE quarantine_key IS NOT NULL;

    -- Append-only. Each entry carries the hash of the previous entry of its chain (one chain per
    -- organization, one for entries without one), so that an edited or deleted entry is detectable.
    CREATE TABLE audit_events (
      id uuid PRIMARY KEY,
      chain text NOT NULL,
      seq bigint NOT NULL,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_type text NOT NULL,
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
      org_id uuid,
      file_id uuid,
      resource_type text,
      resource_id uuid,
      ip text,
      user_agent text,
      request_id text,
      details jsonb,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      UNIQUE (chain, seq)
    );
    CREATE INDEX audit_events_org_at ON audit_events (org_id, at DESC, id DESC);
    CREATE INDEX audit_events_file_at ON audit_events (file_id, at DESC, id DESC) WHERE file_id IS NOT NULL;
    CREATE INDEX audit_events_actor_at ON audit_events (actor_id, at DESC) WHERE actor_id IS NOT NULL;

    -- The last entry of each chain; locked per append so that concurrent writers serialize per chain.
    -- pruned_seq/pruned_hash: where the chain starts after a retention purge removed older entries.
    CREATE TABLE audit_chain_heads (
      chain text PRIMARY KEY,
      seq bigint NOT NULL,
      hash text NOT NULL,
      pruned_seq bigint NOT NULL DEFAULT 0,
      pruned_hash text NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE audit_chain_heads, audit_events, file_versions, files, api_keys,
      refresh_tokens, invitations, memberships, users, organizations;
  `.execute(db);
}
