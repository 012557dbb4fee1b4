import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FileStatus } from '../domain/file-status.ts';

export type { FileStatus };

/** Kysely's view of the tables created by src/db/migrations. */
export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  refresh_tokens: RefreshTokensTable;
  auth_sessions: AuthSessionsTable;
  api_keys: ApiKeysTable;
  files: FilesTable;
  file_versions: FileVersionsTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  jobs: JobsTable;
  applications: ApplicationsTable;
  candidates: CandidatesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  data_exports: DataExportsTable;
  subject_requests: SubjectRequestsTable;
  subject_request_matches: SubjectRequestMatchesTable;
  privacy_notices: PrivacyNoticesTable;
  org_quotas: OrgQuotasTable;
  rate_counters: RateCountersTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
  /** Days candidates are kept after their job closed; null: kept until deleted. */
  candidate_retention_days: Optional<number | null>;
  /** Days candidates are kept after they were rejected or withdrew; null: kept until deleted. */
  rejected_retention_days: Optional<number | null>;
  /** How many days before an erasure falls due the `retention.due` webhook announces it. */
  retention_notice_days: Generated<number>;
}

export type UserRole = 'candidate' | 'recruiter';
export type OrgRole = 'admin' | 'member';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  password_hash: string | null;
  external_subject: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Set when the account was erased: the row is then a tombstone without personal data. */
  erased_at: Optional<Date | null>;
}

export interface MembershipsTable {
  user_id: string;
  org_id: string;
  org_role: OrgRole;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  org_role: OrgRole;
  invited_by: string | null;
  /** sha256 (hex) of the token given once to the admin; null only for invitations older than tokens. */
  token_hash: string | null;
  expires_at: Date;
  created_at: CreatedAt;
  accepted_at: Date | null;
  accepted_by: Optional<string | null>;
  cancelled_at: Optional<Date | null>;
}

/** One login: the family of its refresh tokens, and the `sid` of its access tokens. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  revoked_at: Optional<Date | null>;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ScanSummary {
  engine: string;
  result: 'clean' | 'infected' | 'rejected';
  signature: string | null;
  engine_version?: string | null;
  reason?: string | null;
}

export interface FilesTable {
  id: string;
  owner_id: string | null;
  org_id: string | null;
  category: string;
  filename: string | null;
  content_type: string;
  size: number;
  sha256: string | null;
  status: FileStatus;
  status_reason: string | null;
  /** The newest clean version (or the newest one while none is clean). */
  version: Generated<number>;
  latest_version: Generated<number>;
  scan: ColumnType<ScanSummary | null, string | null | undefined, string | null>;
  scanned_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
  erased_at: Date | null;
}

export interface FileVersionsTable {
  file_id: string;
  version: number;
  storage_key: string;
  filename: string | null;
  content_type: string;
  declared_size: number;
  size: number | null;
  sha256: string | null;
  status: FileStatus;
  status_reason: string | null;
  scan: ColumnType<ScanSummary | null, string | null | undefined, string | null>;
  scanned_at: Date | null;
  quarantine_key: string | null;
  quarantined_at: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type AuditOutcome = 'allowed' | 'denied';

export interface AuditEventsTable {
  id: string;
  chain: string;
  seq: number;
  at: Date;
  actor_id: string | null;
  actor_type: string;
  action: string;
  outcome: AuditOutcome;
  org_id: string | null;
  file_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown> | null, string | null, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadsTable {
  chain: string;
  seq: number;
  hash: string;
  /** The hash this head replaced: the predecessor of the chain's last entry. */
  prev_hash: string | null;
  pruned_seq: Generated<number>;
  pruned_hash: Generated<string>;
}

export interface JobsTable {
  id: string;
  org_id: string;
  title: string;
  description: string;
  skills_required: string[];
  skills_nice: string[];
  location: string | null;
  min_years: ColumnType<number | null, number | null | undefined, number | null>;
  status: 'open' | 'closed';
  /** When the job was last closed; null while open. */
  closed_at: Optional<Date | null>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
}

export interface ApplicationsTable {
  id: string;
  job_id: string;
  org_id: string;
  candidate_user_id: string;
  resume_file_id: string;
  cover_letter_file_id: string | null;
  created_at: CreatedAt;
  withdrawn_at: Date | null;
  /** The version of the organization's privacy notice the candidate was shown, and when. */
  privacy_notice_id: Optional<string | null>;
  privacy_notice_seen_at: Optional<Date | null>;
}

/** One published version of an organization's privacy notice; never changed. */
export interface PrivacyNoticesTable {
  id: string;
  org_id: string;
  version: number;
  text: string | null;
  url: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export type CandidateStatus = 'pending' | 'parsing' | 'scored' | 'failed';

/** A column with a database default or NULL: optional on insert. */
type Optional<T> = ColumnType<T, T | undefined, T>;

/** Where a skill was found in a resume: its section and the line, as evidence. */
export interface SkillEvidence {
  name: string;
  section: string;
  evidence: string;
  parent?: string;
}

export interface CandidatesTable {
  id: string;
  job_id: string;
  org_id: string;
  file_id: string;
  application_id: string | null;
  /** Null once the candidate is erased. */
  sha256: string | null;
  original_filename: string | null;
  status: CandidateStatus;
  status_reason: Optional<string | null>;
  name: Optional<string | null>;
  email: Optional<string | null>;
  phone: Optional<string | null>;
  links: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  skills: Optional<string[]>;
  skill_parents: Optional<string[]>;
  skill_evidence: ColumnType<SkillEvidence[] | null, string | null | undefined, string | null>;
  phone_valid: Optional<boolean | null>;
  text_source: Optional<'text' | 'ocr' | null>;
  experience_years: Optional<number | null>;
  score: Optional<number | null>;
  score_breakdown: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  scorer: Optional<string | null>;
  resume_text: Optional<string | null>;
  search: ColumnType<string, never, never>;
  /** When a recruiter rejected the candidate; null otherwise. */
  rejected_at: Optional<Date | null>;
  /** When the `retention.due` webhook announced the candidate's erasure. */
  retention_notified_at: Optional<Date | null>;
  parsed_at: Optional<Date | null>;
  scored_at: Optional<Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
}

export interface WebhooksTable {
  id: string;
  org_id: string;
  url: string;
  events: string[];
  created_by: string | null;
  created_at: CreatedAt;
  disabled_at: Date | null;
  /** The signing secret, sealed by `SecretBox` under WEBHOOK_SECRETS_KEY. */
  secret_ciphertext: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: ColumnType<Record<string, unknown>, string, never>;
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | undefined, 'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_status_code: Optional<number | null>;
  last_error: Optional<string | null>;
  created_at: CreatedAt;
  last_attempt_at: Optional<Date | null>;
  delivered_at: Optional<Date | null>;
}

export type DataExportStatus = 'pending' | 'running' | 'ready' | 'failed' | 'expired';

export interface DataExportsTable {
  id: string;
  user_id: string;
  status: DataExportStatus;
  storage_key: string | null;
  size: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  expires_at: Date;
}

export type SubjectRequestAction = 'export' | 'erase';
export type SubjectRequestStatus = 'pending' | 'running' | 'completed' | 'failed';

/** An organization's request to export or erase what it holds about one person (the search terms are not stored). */
export interface SubjectRequestsTable {
  id: string;
  org_id: string;
  action: SubjectRequestAction;
  status: SubjectRequestStatus;
  requested_by: string | null;
  confirmed_by: Optional<string | null>;
  report: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** The export's ZIP while it lasts. */
  storage_key: Optional<string | null>;
  size: Optional<number | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  confirmed_at: Optional<Date | null>;
  completed_at: Optional<Date | null>;
  expires_at: Optional<Date | null>;
}

export interface SubjectRequestMatchesTable {
  request_id: string;
  candidate_id: string;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type FileRow = Selectable<FilesTable>;
export type FileUpdate = Updateable<FilesTable>;
export type FileVersionRow = Selectable<FileVersionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  fingerprint: string | null;
  status_code: number | null;
  content_type: string | null;
  response_body: string | null;
  created_at: CreatedAt;
  expires_at: Date;
}

/** An organization's own quota (null: the configured default; 0: unlimited). */
export interface OrgQuotasTable {
  org_id: string;
  max_bytes: number | null;
  max_uploads_per_hour: number | null;
  updated_at: UpdatedAt;
}

/** Fixed-window counters shared by every process (UNLOGGED). */
export interface RateCountersTable {
  key: string;
  count: number;
  expires_at: Date;
}
