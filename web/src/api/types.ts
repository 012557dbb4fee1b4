/** The shapes of Vitae's HTTP API (see /openapi.json). Field names are the API's own (snake_case). */

export type Role = 'candidate' | 'recruiter';
export type OrgRole = 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  org_id: string | null;
  org_role: OrgRole | null;
  org_name: string | null;
}

export interface Session {
  user: User;
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  role: Role;
  org_name?: string;
  /** Recruiters joining an organization: the token from its admin's invitation. */
  invitation_token?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type FileStatus = 'pending_upload' | 'uploaded' | 'scanning' | 'clean' | 'infected' | 'rejected' | 'deleted';
export type FileCategory = 'resume' | 'cover_letter' | 'logo' | 'csv_import';

export interface ScanInfo {
  engine: string;
  result: string;
  signature: string | null;
  reason?: string | null;
}

export interface FileObject {
  id: string;
  filename: string | null;
  category: FileCategory;
  content_type: string;
  size: number;
  sha256: string | null;
  status: FileStatus;
  status_reason: string | null;
  owner_id: string | null;
  org_id: string | null;
  version: number;
  latest_version: number;
  created_at: string;
  updated_at: string;
  scanned_at: string | null;
  scan: ScanInfo | null;
}

export interface FileVersion {
  version: number;
  filename: string | null;
  content_type: string;
  size: number | null;
  sha256: string | null;
  status: FileStatus;
  status_reason: string | null;
  created_at: string;
  scanned_at: string | null;
  scan: ScanInfo | null;
}

export interface UploadInstruction {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expires_at: string;
}

export interface InitiatedUpload {
  file_id: string;
  version: number;
  upload: UploadInstruction;
}

export interface DownloadLink {
  url: string;
  expires_at: string;
  version: number;
}

export interface Job {
  id: string;
  org_id: string;
  title: string;
  description: string;
  skills: string[];
  nice_to_have_skills: string[];
  location: string | null;
  min_years: number | null;
  status: 'open' | 'closed';
  created_at: string;
  updated_at: string;
}

export interface JobInput {
  title: string;
  description: string;
  skills?: string[];
  nice_to_have_skills?: string[];
  location?: string | null;
  min_years?: number | null;
}

export type CandidateStatus = 'pending' | 'parsing' | 'scored' | 'failed';

export interface ScorePart {
  name: string;
  points: number;
  max: number;
  detail?: string;
}

export interface ScoreBreakdown {
  matched_skills?: string[];
  missing_skills?: string[];
  nice_matched?: string[];
  parts?: ScorePart[];
  [key: string]: unknown;
}

export interface SkillEvidence {
  name: string;
  section: string;
  evidence: string;
  parent?: string;
}

export interface Candidate {
  id: string;
  job_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** false when the number is shown as printed because it is not a valid number. */
  phone_valid?: boolean | null;
  links: { linkedin?: string; github?: string; website?: string; other?: string[] | string; [key: string]: unknown } | null;
  skills: string[];
  /** For each skill, the section and the line of the resume it was found in. */
  skill_evidence?: SkillEvidence[];
  /** `ocr` when the fields were read from page images of a scanned resume. */
  text_source?: 'text' | 'ocr' | null;
  experience_years: number | null;
  score: number | null;
  score_breakdown: ScoreBreakdown | null;
  scorer: string | null;
  status: CandidateStatus;
  status_reason: string | null;
  file_id: string;
  application_id: string | null;
  filename: string | null;
  parsed_at: string | null;
  created_at: string;
}

export interface CandidateFilter {
  status?: CandidateStatus;
  skill?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface IntakeResult {
  filename: string;
  candidate_id?: string;
  duplicate_of?: string;
  error?: { code: string; detail: string };
}

export interface Application {
  id: string;
  job_id: string;
  candidate_id: string;
  resume_file_id: string;
  cover_letter_file_id: string | null;
  created_at: string;
  privacy_notice?: { id: string; version: number; seen_at: string } | null;
}

/** One version of an organization's privacy notice. */
export interface PrivacyNotice {
  id: string;
  version: number;
  text: string | null;
  url: string | null;
  created_at: string;
}

export interface SubjectMatch {
  candidate_id: string;
  job_id: string;
  job_title: string;
  file_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  filename: string | null;
  via_application: boolean;
  erased: boolean;
}

/** An organization's request to export or erase what it holds about one person. */
export interface SubjectRequest {
  id: string;
  org_id: string;
  action: 'export' | 'erase';
  status: 'pending' | 'running' | 'completed' | 'failed';
  created_at: string;
  confirmed_at: string | null;
  completed_at: string | null;
  matches: SubjectMatch[];
  report: Record<string, unknown> | null;
  size: number | null;
  expires_at: string | null;
  download_url?: string;
}

export interface RetentionSettings {
  candidate_retention_days: number | null;
  rejected_retention_days: number | null;
  notice_days: number;
}

export interface RetentionItem {
  candidate_id: string;
  job_id: string;
  job_title: string;
  name: string | null;
  rule: 'job_closed' | 'rejected' | 'withdrawn';
  due_at: string;
}

export interface RetentionPreview {
  settings: RetentionSettings;
  as_of: string;
  due: RetentionItem[];
  upcoming: RetentionItem[];
}

export interface MyApplication {
  id: string;
  job_id: string;
  job_title: string;
  resume_file_id: string;
  cover_letter_file_id: string | null;
  created_at: string;
}

/** An export of the caller's own data (`/me/exports`). */
export interface DataExport {
  id: string;
  status: 'pending' | 'running' | 'ready' | 'failed' | 'expired';
  created_at: string;
  expires_at: string;
  size: number | null;
  /** On a ready export fetched by id: a short-lived link to the ZIP. */
  download_url?: string;
  download_url_expires_at?: string;
}

/** Storage and uploads against the quotas (`GET /me/usage`, `GET /orgs/{id}/usage`); a null limit is unlimited. */
export interface Usage {
  scope: 'organization' | 'candidate';
  storage: { used_bytes: number; current_bytes: number; files: number; versions: number; limit_bytes: number | null };
  uploads: { used: number | null; limit_per_hour: number | null; resets_at: string | null };
}

export interface Member {
  id: string;
  email: string;
  name: string;
  role: string;
  org_id: string | null;
  org_role: string | null;
  org_name: string | null;
}

export interface MemberAdded {
  status: 'added' | 'invited';
  email: string;
  org_role: string;
  user?: Member;
  /** `invited` only; the token and its link are shown this once. */
  invitation?: Invitation;
  invitation_token?: string;
  invitation_url?: string;
}

export interface Invitation {
  id: string;
  org_id: string;
  email: string;
  org_role: 'admin' | 'member';
  status: 'pending' | 'accepted' | 'expired' | 'cancelled';
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  cancelled_at: string | null;
}

export const API_KEY_SCOPES = [
  'files:read',
  'files:write',
  'scan:write',
  'audit:read',
  'jobs:read',
  'jobs:write',
  'candidates:read',
  'candidates:write',
  'webhooks:write',
  'subjects:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor_id: string | null;
  actor_type: string;
  action: string;
  file_id: string | null;
  org_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  file_id?: string;
  actor_id?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditVerification {
  ok: boolean;
  chains: Array<{ chain: string; entries: number; ok: boolean; problem?: string; broken_at?: string | null }>;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  request_id?: string;
}
