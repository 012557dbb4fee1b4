import { sql, type Kysely } from 'kysely';

/** Jobs, their candidates (parsed and scored resumes) and candidates' applications. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id),
      title text NOT NULL,
      description text NOT NULL,
      skills_required text[] NOT NULL DEFAULT '{}',
      skills_nice text[] NOT NULL DEFAULT '{}',
      location text,
      min_years numeric,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE INDEX jobs_org_created ON jobs (org_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
    CREATE INDEX jobs_open_created ON jobs (created_at DESC, id DESC) WHERE status = 'open' AND deleted_at IS NULL;

    -- A candidate's application shares their own files with the job's organization until withdrawn.
    CREATE TABLE applications (
      id uuid PRIMARY KEY,
      job_id uuid NOT NULL REFERENCES jobs (id),
      org_id uuid NOT NULL REFERENCES organizations (id),
      candidate_user_id uuid NOT NULL REFERENCES users (id),
      resume_file_id uuid NOT NULL REFERENCES files (id),
      cover_letter_file_id uuid REFERENCES files (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      withdrawn_at timestamptz
    );
    CREATE INDEX applications_resume_live ON applications (resume_file_id) WHERE withdrawn_at IS NULL;
    CREATE INDEX applications_cover_live ON applications (cover_letter_file_id) WHERE withdrawn_at IS NULL AND cover_letter_file_id IS NOT NULL;
    CREATE UNIQUE INDEX applications_one_live_per_job ON applications (job_id, candidate_user_id) WHERE withdrawn_at IS NULL;

    CREATE TABLE candidates (
      id uuid PRIMARY KEY,
      job_id uuid NOT NULL REFERENCES jobs (id),
      org_id uuid NOT NULL REFERENCES organizations (id),
      file_id uuid NOT NULL REFERENCES files (id),
      application_id uuid REFERENCES applications (id),
      sha256 text NOT NULL,
      original_filename text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'parsing', 'scored', 'failed')),
      status_reason text,
      name text,
      email text,
      phone text,
      links jsonb,
      skills text[] NOT NULL DEFAULT '{}',
      experience_years numeric,
      score numeric,
      score_breakdown jsonb,
      scorer text,
      resume_text text,
      search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(resume_text, ''))) STORED,
      parsed_at timestamptz,
      scored_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    -- The same resume twice in one job is one candidate.
    CREATE UNIQUE INDEX candidates_job_sha ON candidates (job_id, sha256) WHERE deleted_at IS NULL;
    CREATE INDEX candidates_job_score ON candidates (job_id, score DESC NULLS LAST, created_at DESC) WHERE deleted_at IS NULL;
    CREATE INDEX candidates_file ON candidates (file_id);
    CREATE INDEX candidates_search ON candidates USING gin (search);
    CREATE INDEX candidates_skills ON candidates USING gin (skills);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE candidates, applications, jobs;`.execute(db);
}
