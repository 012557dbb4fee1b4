/**
 * Friendly names for the shapes of Vitae's HTTP API, taken from the types generated from its
 * OpenAPI document (`types.ts`, `npm run gen:types`): when the API changes, the web app stops
 * compiling where it no longer fits. Field names are the API's own (snake_case).
 */
import type { paths } from './types.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of the response with status `S`. */
type Response<P extends keyof paths, M extends Method, S extends number = 200> = Operation<P, M> extends { responses: { [K in S]: infer R } } ? Json<R> : never;
type RequestBody<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Query<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Item<T> = T extends { items: Array<infer I> } ? I : never;

export type User = Response<'/api/v1/auth/me', 'get'>;
export type Role = User['role'];
export type OrgRole = NonNullable<User['org_role']>;
export type Session = Response<'/api/v1/auth/login', 'post'>;
export type RegisterInput = RequestBody<'/api/v1/auth/register', 'post'>;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The statuses and categories the API documents; it types both as strings, so that new ones do not break clients. */
export type FileStatus = 'pending_upload' | 'uploaded' | 'scanning' | 'clean' | 'infected' | 'rejected' | 'deleted';
export type FileCategory = 'resume' | 'cover_letter' | 'logo' | 'csv_import';

export type FileObject = Response<'/api/v1/files/{id}', 'get'>;
export type ScanInfo = NonNullable<FileObject['scan']>;
export type FileVersion = Item<Response<'/api/v1/files/{id}/versions', 'get'>>;
export type InitiatedUpload = Response<'/api/v1/files/upload/initiate', 'post', 201>;
export type UploadInstruction = InitiatedUpload['upload'];
export type DownloadLink = Response<'/api/v1/files/{id}/download', 'get'>;

export type Job = Response<'/api/v1/jobs/{id}', 'get'>;
export type JobInput = RequestBody<'/api/v1/jobs', 'post'>;

export type Candidate = Response<'/api/v1/candidates/{id}', 'get'>;
export type CandidateStatus = 'pending' | 'parsing' | 'scored' | 'failed';
export type ScoreBreakdown = NonNullable<Candidate['score_breakdown']>;
export type ScorePart = NonNullable<ScoreBreakdown['parts']>[number];
export type SkillEvidence = NonNullable<Candidate['skill_evidence']>[number];
export type CandidateFilter = Query<'/api/v1/jobs/{id}/candidates', 'get'>;
export type IntakeResult = Response<'/api/v1/jobs/{id}/candidates/bulk', 'post'>['results'][number];
export type Application = Response<'/api/v1/jobs/{id}/applications', 'post', 201>;
export type MyApplication = Item<Response<'/api/v1/applications', 'get'>>;

export type PrivacyNotice = Item<Response<'/api/v1/orgs/{org_id}/privacy-notices', 'get'>>;
export type SubjectRequest = Response<'/api/v1/orgs/{org_id}/subject-requests/{request_id}', 'get'>;
export type SubjectMatch = SubjectRequest['matches'][number];
export type RetentionSettings = Response<'/api/v1/orgs/{org_id}/retention', 'get'>;
export type RetentionPreview = Response<'/api/v1/orgs/{org_id}/retention/preview', 'get'>;
export type RetentionItem = RetentionPreview['due'][number];
export type DataExport = Response<'/api/v1/me/exports/{id}', 'get'>;
export type Usage = Response<'/api/v1/me/usage', 'get'>;

export type Member = Item<Response<'/api/v1/orgs/{org_id}/members', 'get'>>;
export type MemberAdded = Response<'/api/v1/orgs/{org_id}/members', 'post', 201>;
export type Invitation = Item<Response<'/api/v1/orgs/{org_id}/invitations', 'get'>>;

export type ApiKey = Item<Response<'/api/v1/api-keys', 'get'>>;
export type CreatedApiKey = Response<'/api/v1/api-keys', 'post', 201>;
export type ApiKeyScope = RequestBody<'/api/v1/api-keys', 'post'>['scopes'][number];
/** Every scope, in the order the key form lists them (a scope the API adds fails to compile until it is listed here). */
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
] as const satisfies readonly ApiKeyScope[];
const everyScopeListed: Exclude<ApiKeyScope, (typeof API_KEY_SCOPES)[number]> extends never ? true : never = true;
void everyScopeListed;

export type AuditEntry = Item<Response<'/api/v1/audit', 'get'>>;
export type AuditFilter = Query<'/api/v1/audit', 'get'>;
export type AuditVerification = Response<'/api/v1/audit/verify', 'get'>;

/** A failed request as the client reports it: the API's problem document, or one made up for a network error (status 0). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  request_id?: string;
}
