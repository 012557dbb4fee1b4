/**
 * A small typed client for Vitae's HTTP API (`/api/v1`). No framework inside: it runs in browsers
 * and in Node.js 18+ (anything with `fetch`; upload progress uses XMLHttpRequest where available).
 *
 *   const vitae = new VitaeClient({ baseUrl: 'https://vitae.example.com' });
 *   await vitae.login('ada@example.com', 'correct horse battery');
 *   const { items } = await vitae.listJobs();
 *
 * Errors are RFC 9457 problem documents, thrown as `ApiError` ({status, code, detail, requestId}).
 * The access token is kept in memory only. In a browser the refresh token lives in the server's
 * HttpOnly cookie; elsewhere pass `refreshToken: 'memory'` to keep it in this object. A request
 * answered 401 refreshes the session once and is retried.
 */
import type {
  ApiKey,
  ApiKeyScope,
  Application,
  AuditEntry,
  AuditFilter,
  AuditVerification,
  Candidate,
  CandidateFilter,
  CreatedApiKey,
  DataExport,
  DownloadLink,
  FileCategory,
  FileObject,
  FileVersion,
  InitiatedUpload,
  IntakeResult,
  Job,
  JobInput,
  Member,
  MemberAdded,
  Invitation,
  MyApplication,
  Page,
  PrivacyNotice,
  Problem,
  RegisterInput,
  RetentionPreview,
  RetentionSettings,
  Session,
  SubjectRequest,
  Usage,
  User,
} from './models.ts';

export type * from './models.ts';
export { API_KEY_SCOPES } from './models.ts';

/** A problem document answered by the API (or a network failure, with status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly requestId: string | null;
  readonly title: string;
  /** The request field the problem is about, when the API names one (e.g. `password`). */
  readonly field: string | null;
  /** Seconds to wait before retrying (429, 503). */
  readonly retryAfter: number | null;

  constructor(problem: Problem, requestId: string | null = null, retryAfter: number | null = null) {
    const detail = problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code ?? `http_${problem.status}`;
    this.detail = detail;
    this.title = problem.title ?? '';
    this.requestId = problem.request_id ?? requestId;
    this.field = fieldOf(this.code, detail);
    this.retryAfter = retryAfter;
  }
}

/** Codes whose problem is about one input field. */
const FIELD_CODES: Record<string, string> = {
  invalid_email: 'email',
  email_taken: 'email',
  weak_password: 'password',
  org_required: 'org_name',
  org_not_allowed: 'org_name',
  org_conflict: 'org_name',
  invalid_invitation: 'invitation_token',
  invitation_expired: 'invitation_token',
  file_too_large: 'file',
  unsupported_type: 'file',
  content_mismatch: 'file',
};

function fieldOf(code: string, detail: string): string | null {
  if (FIELD_CODES[code]) return FIELD_CODES[code];
  // Schema errors read "body.password must NOT have fewer than 10 characters".
  const match = code === 'validation_failed' ? /^(?:body|querystring|params)\.([a-z_]+)/.exec(detail) : null;
  return match?.[1] ?? null;
}

export interface ClientOptions {
  /** Where Vitae is served; '' (the default) = the current origin in a browser. */
  baseUrl?: string;
  /** Use an API key (`X-Api-Key`) instead of a person's session. */
  apiKey?: string;
  /** 'cookie' (default, browsers): the HttpOnly cookie carries the refresh token. 'memory': this object keeps it. */
  refreshToken?: 'cookie' | 'memory';
  fetch?: typeof fetch;
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

type Query = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** false: no Authorization header and no refresh on 401 (login, register…). */
  auth?: boolean;
}

type SessionListener = (user: User | null) => void;

export class VitaeClient {
  readonly baseUrl: string;
  private accessToken: string | null = null;
  private storedRefreshToken: string | null = null;
  private refreshing: Promise<Session> | null = null;
  private readonly apiKey: string | undefined;
  private readonly refreshMode: 'cookie' | 'memory';
  private readonly fetchImpl: typeof fetch;
  private readonly listeners = new Set<SessionListener>();
  private currentUser: User | null = null;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.refreshMode = options.refreshToken ?? 'cookie';
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The signed-in person, or null. */
  get user(): User | null {
    return this.currentUser;
  }

  /** Called whenever the session starts, changes or ends (e.g. a refresh failed). Returns an unsubscribe function. */
  onSessionChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- identity -------------------------------------------------------------------------------

  async register(input: RegisterInput): Promise<Session> {
    return this.startSession(await this.request<Session>('POST', '/auth/register', { body: input, auth: false }));
  }

  async login(email: string, password: string): Promise<Session> {
    return this.startSession(await this.request<Session>('POST', '/auth/login', { body: { email, password }, auth: false }));
  }

  /** Exchanges the refresh token (cookie or memory) for a new session. Concurrent calls share one request. */
  refresh(): Promise<Session> {
    if (!this.refreshing) {
      const body = this.refreshMode === 'memory' && this.storedRefreshToken ? { refresh_token: this.storedRefreshToken } : {};
      this.refreshing = this.request<Session>('POST', '/auth/refresh', { body, auth: false })
        .then((session) => this.startSession(session))
        .catch((error: unknown) => {
          this.endSession();
          throw error;
        })
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  /** Restores a session from the refresh cookie; null when there is none. */
  async resume(): Promise<User | null> {
    try {
      return (await this.refresh()).user;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) return null;
      throw error;
    }
  }

  async logout(): Promise<void> {
    const body = this.refreshMode === 'memory' && this.storedRefreshToken ? { refresh_token: this.storedRefreshToken } : {};
    try {
      await this.request<void>('POST', '/auth/logout', { body, auth: false });
    } finally {
      this.endSession();
    }
  }

  me(): Promise<User> {
    return this.request('GET', '/auth/me');
  }

  // ---- files ----------------------------------------------------------------------------------

  listFiles(filter: { category?: string; status?: string; owner_id?: string; limit?: number; cursor?: string } = {}): Promise<Page<FileObject>> {
    return this.request('GET', '/files', { query: filter });
  }

  getFile(id: string): Promise<FileObject> {
    return this.request('GET', `/files/${enc(id)}`);
  }

  async fileVersions(id: string): Promise<FileVersion[]> {
    return (await this.request<{ items: FileVersion[] }>('GET', `/files/${enc(id)}/versions`)).items;
  }

  /**
   * Uploads straight to storage through a pre-signed URL: initiate, PUT the bytes (with progress),
   * complete. Resolves with the file as `complete` returns it (usually `scanning`).
   */
  async uploadFile(file: Blob & { name?: string }, category: FileCategory, options: UploadOptions = {}): Promise<FileObject> {
    const initiated = await this.request<InitiatedUpload>('POST', '/files/upload/initiate', {
      body: { filename: file.name ?? 'upload', content_type: contentTypeOf(file), size: file.size, category },
      ...signalOf(options),
    });
    await this.putSigned(initiated, file, options);
    return this.request('POST', '/files/upload/complete', { body: { file_id: initiated.file_id }, ...signalOf(options) });
  }

  /** A new version of an existing file, uploaded the same way. */
  async uploadVersion(fileId: string, file: Blob & { name?: string }, options: UploadOptions = {}): Promise<FileObject> {
    const initiated = await this.request<InitiatedUpload>('POST', `/files/${enc(fileId)}/versions`, {
      body: { filename: file.name ?? 'upload', content_type: contentTypeOf(file), size: file.size },
      ...signalOf(options),
    });
    await this.putSigned(initiated, file, options);
    return this.request('POST', '/files/upload/complete', { body: { file_id: initiated.file_id }, ...signalOf(options) });
  }

  /** A short-lived URL that downloads the file (clean files only; 423 otherwise). */
  downloadLink(id: string, version?: number): Promise<DownloadLink> {
    return this.request('GET', `/files/${enc(id)}/download`, { query: { version } });
  }

  /** The file's bytes (a CSV's with its formula cells neutralized). */
  fileContent(id: string, signal?: AbortSignal, version?: number): Promise<Blob> {
    return this.requestBlob(`/files/${enc(id)}/content${version ? `?version=${version}` : ''}`, signal);
  }

  /** Soft delete (restorable by an operator during the grace period), or `hard` erasure of every version now. */
  deleteFile(id: string, options: { hard?: boolean } = {}): Promise<void> {
    return this.request('DELETE', `/files/${enc(id)}`, { query: { hard: options.hard ? 'true' : undefined } });
  }

  // ---- hiring ---------------------------------------------------------------------------------

  listJobs(query: { status?: 'open' | 'closed'; limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
    return this.request('GET', '/jobs', { query });
  }

  getJob(id: string): Promise<Job> {
    return this.request('GET', `/jobs/${enc(id)}`);
  }

  createJob(input: JobInput): Promise<Job> {
    return this.request('POST', '/jobs', { body: input });
  }

  updateJob(id: string, patch: Partial<JobInput> & { status?: 'open' | 'closed' }): Promise<Job> {
    return this.request('PATCH', `/jobs/${enc(id)}`, { body: patch });
  }

  deleteJob(id: string): Promise<void> {
    return this.request('DELETE', `/jobs/${enc(id)}`);
  }

  async listCandidates(jobId: string, filter: CandidateFilter = {}, signal?: AbortSignal): Promise<{ items: Candidate[]; next_offset: number | null }> {
    const page = await this.request<{ items: Candidate[]; next_offset?: number | null }>('GET', `/jobs/${enc(jobId)}/candidates`, {
      query: { ...filter },
      ...(signal ? { signal } : {}),
    });
    return { items: page.items, next_offset: page.next_offset ?? null };
  }

  getCandidate(id: string): Promise<Candidate> {
    return this.request('GET', `/candidates/${enc(id)}`);
  }

  candidateFile(id: string, signal?: AbortSignal): Promise<Blob> {
    return this.requestBlob(`/candidates/${enc(id)}/file`, signal);
  }

  deleteCandidate(id: string): Promise<void> {
    return this.request('DELETE', `/candidates/${enc(id)}`);
  }

  /** Adds resumes (PDF, DOCX, TXT) and ZIPs of resumes to a job; one result per resume. */
  async addCandidates(jobId: string, files: Blob | Blob[], options: UploadOptions = {}): Promise<IntakeResult[]> {
    const form = new FormData();
    for (const file of Array.isArray(files) ? files : [files]) {
      form.append('file', file, (file as Blob & { name?: string }).name ?? 'resume');
    }
    const response = await this.send('POST', `/jobs/${enc(jobId)}/candidates/bulk`, form, {}, options, true);
    return (JSON.parse(response.text) as { results: IntakeResult[] }).results;
  }

  apply(jobId: string, input: { resume_file_id: string; cover_letter_file_id?: string | null; privacy_notice_id?: string | null }): Promise<Application> {
    return this.request('POST', `/jobs/${enc(jobId)}/applications`, { body: input });
  }

  async myApplications(): Promise<MyApplication[]> {
    return (await this.request<{ items: MyApplication[] }>('GET', '/applications')).items;
  }

  withdraw(applicationId: string): Promise<void> {
    return this.request('DELETE', `/applications/${enc(applicationId)}`);
  }

  // ---- personal data ------------------------------------------------------------------------

  /** Starts building a ZIP of everything stored about the caller; poll `getExport` until it is ready. */
  requestExport(): Promise<DataExport> {
    return this.request('POST', '/me/export');
  }

  async listExports(): Promise<DataExport[]> {
    return (await this.request<Page<DataExport>>('GET', '/me/exports', { query: { limit: 20 } })).items;
  }

  /** A ready export comes with a fresh short-lived `download_url`. */
  getExport(id: string): Promise<DataExport> {
    return this.request('GET', `/me/exports/${enc(id)}`);
  }

  /** The caller's quota usage: a candidate's own, or their organization's. */
  myUsage(): Promise<Usage> {
    return this.request('GET', '/me/usage');
  }

  orgUsage(orgId: string): Promise<Usage> {
    return this.request('GET', `/orgs/${enc(orgId)}/usage`);
  }

  /** Erases the caller's account and everything of it; the session ends. */
  async eraseAccount(password: string): Promise<void> {
    await this.request<void>('DELETE', '/me', { body: { password } });
    this.endSession();
  }

  /** The privacy notice to show before applying to a job (null when its organization has none). */
  async jobPrivacyNotice(jobId: string): Promise<PrivacyNotice | null> {
    return (await this.request<{ notice: PrivacyNotice | null }>('GET', `/jobs/${enc(jobId)}/privacy-notice`)).notice;
  }

  // ---- privacy (org admins) -------------------------------------------------------------------

  async listSubjectRequests(orgId: string): Promise<SubjectRequest[]> {
    return (await this.request<Page<SubjectRequest>>('GET', `/orgs/${enc(orgId)}/subject-requests`, { query: { limit: 20 } })).items;
  }

  createSubjectRequest(orgId: string, input: { email: string; phone?: string; action: 'export' | 'erase' }): Promise<SubjectRequest> {
    return this.request('POST', `/orgs/${enc(orgId)}/subject-requests`, { body: input });
  }

  getSubjectRequest(orgId: string, id: string): Promise<SubjectRequest> {
    return this.request('GET', `/orgs/${enc(orgId)}/subject-requests/${enc(id)}`);
  }

  confirmSubjectRequest(orgId: string, id: string): Promise<SubjectRequest> {
    return this.request('POST', `/orgs/${enc(orgId)}/subject-requests/${enc(id)}/confirm`);
  }

  retention(orgId: string): Promise<RetentionSettings> {
    return this.request('GET', `/orgs/${enc(orgId)}/retention`);
  }

  updateRetention(orgId: string, input: Partial<RetentionSettings>): Promise<RetentionSettings> {
    return this.request('PATCH', `/orgs/${enc(orgId)}/retention`, { body: input });
  }

  retentionPreview(orgId: string): Promise<RetentionPreview> {
    return this.request('GET', `/orgs/${enc(orgId)}/retention/preview`);
  }

  async listPrivacyNotices(orgId: string): Promise<PrivacyNotice[]> {
    return (await this.request<{ items: PrivacyNotice[] }>('GET', `/orgs/${enc(orgId)}/privacy-notices`)).items;
  }

  publishPrivacyNotice(orgId: string, input: { text?: string; url?: string }): Promise<PrivacyNotice> {
    return this.request('POST', `/orgs/${enc(orgId)}/privacy-notices`, { body: input });
  }

  // ---- organization ---------------------------------------------------------------------------

  async listMembers(orgId: string): Promise<Member[]> {
    return (await this.request<{ items: Member[] }>('GET', `/orgs/${enc(orgId)}/members`)).items;
  }

  addMember(orgId: string, email: string, orgRole: 'admin' | 'member' = 'member'): Promise<MemberAdded> {
    return this.request('POST', `/orgs/${enc(orgId)}/members`, { body: { email, org_role: orgRole } });
  }

  async listInvitations(orgId: string, status?: Invitation['status']): Promise<Invitation[]> {
    return (await this.request<{ items: Invitation[] }>('GET', `/orgs/${enc(orgId)}/invitations${status ? `?status=${status}` : ''}`)).items;
  }

  cancelInvitation(orgId: string, invitationId: string): Promise<void> {
    return this.request('DELETE', `/orgs/${enc(orgId)}/invitations/${enc(invitationId)}`);
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (await this.request<{ items: ApiKey[] }>('GET', '/api-keys')).items;
  }

  createApiKey(name: string, scopes: ApiKeyScope[]): Promise<CreatedApiKey> {
    return this.request('POST', '/api-keys', { body: { name, scopes } });
  }

  revokeApiKey(id: string): Promise<void> {
    return this.request('DELETE', `/api-keys/${enc(id)}`);
  }

  listAudit(filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
    return this.request('GET', '/audit', { query: { ...filter } });
  }

  verifyAudit(): Promise<AuditVerification> {
    return this.request('GET', '/audit/verify');
  }

  // ---- transport ------------------------------------------------------------------------------

  /** A JSON request to `/api/v1{path}`; resolves undefined for 204. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? true;
    const url = this.url(path, options.query);
    const attempt = async (): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (auth) Object.assign(headers, this.authHeaders());
      try {
        return await this.fetchImpl(url, {
          method,
          headers,
          credentials: 'same-origin',
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        throw networkError(error);
      }
    };
    let response = await attempt();
    if (response.status === 401 && auth && this.canRefresh()) {
      await this.refresh();
      response = await attempt();
    }
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async requestBlob(path: string, signal?: AbortSignal): Promise<Blob> {
    const attempt = () =>
      this.fetchImpl(this.url(path), { headers: this.authHeaders(), credentials: 'same-origin', ...(signal ? { signal } : {}) }).catch((error: unknown) => {
        if ((error as Error)?.name === 'AbortError') throw error;
        throw networkError(error);
      });
    let response = await attempt();
    if (response.status === 401 && this.canRefresh()) {
      await this.refresh();
      response = await attempt();
    }
    if (!response.ok) throw await problemOf(response);
    return response.blob();
  }

  private async putSigned(initiated: InitiatedUpload, file: Blob, options: UploadOptions): Promise<void> {
    const { url, method, headers } = initiated.upload;
    // The signed URL carries its own authorization: no Authorization header, no cookies.
    await this.send(method, url, file, headers, options, false);
  }

  /**
   * Sends a body with upload progress (XMLHttpRequest when present, fetch otherwise). `auth`
   * adds the session and retries once after a refresh on 401.
   */
  private async send(
    method: string,
    pathOrUrl: string,
    body: Blob | FormData,
    headers: Record<string, string>,
    options: UploadOptions,
    auth: boolean,
  ): Promise<{ status: number; text: string }> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : this.url(pathOrUrl);
    const attempt = () =>
      typeof XMLHttpRequest === 'function'
        ? this.sendXhr(method, url, body, { ...headers, ...(auth ? this.authHeaders() : {}) }, options)
        : this.sendFetch(method, url, body, { ...headers, ...(auth ? this.authHeaders() : {}) }, options);
    let result = await attempt();
    if (result.status === 401 && auth && this.canRefresh()) {
      await this.refresh();
      result = await attempt();
    }
    if (result.status < 200 || result.status >= 300) throw problemFromText(result.status, result.text, result.requestId);
    return result;
  }

  private sendXhr(
    method: string,
    url: string,
    body: Blob | FormData,
    headers: Record<string, string>,
    options: UploadOptions,
  ): Promise<{ status: number; text: string; requestId: string | null }> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      for (const [name, value] of Object.entries(headers)) {
        // Browsers set these themselves and refuse to have them set.
        if (!/^(content-length|host|connection)$/i.test(name)) xhr.setRequestHeader(name, value);
      }
      const total = body instanceof Blob ? body.size : 0;
      xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : total });
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) options.onProgress?.({ loaded: total || 1, total: total || 1 });
        resolve({ status: xhr.status, text: xhr.responseText, requestId: xhr.getResponseHeader('x-request-id') });
      };
      xhr.onerror = () => reject(networkError(new Error('The upload failed (network error).')));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  }

  private async sendFetch(
    method: string,
    url: string,
    body: Blob | FormData,
    headers: Record<string, string>,
    options: UploadOptions,
  ): Promise<{ status: number; text: string; requestId: string | null }> {
    const response = await this.fetchImpl(url, { method, headers, body, ...signalOf(options) });
    const size = body instanceof Blob ? body.size : 1;
    if (response.ok) options.onProgress?.({ loaded: size, total: size });
    return { status: response.status, text: await response.text(), requestId: response.headers.get('x-request-id') };
  }

  private authHeaders(): Record<string, string> {
    if (this.apiKey) return { 'x-api-key': this.apiKey };
    return this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {};
  }

  private canRefresh(): boolean {
    return !this.apiKey && (this.refreshMode === 'cookie' || this.storedRefreshToken !== null);
  }

  private url(path: string, query?: Query): string {
    let url = `${this.baseUrl}/api/v1${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
      }
      const search = params.toString();
      if (search) url += `?${search}`;
    }
    return url;
  }

  private startSession(session: Session): Session {
    this.accessToken = session.access_token;
    if (this.refreshMode === 'memory') this.storedRefreshToken = session.refresh_token;
    this.currentUser = session.user;
    for (const listener of this.listeners) listener(session.user);
    return session;
  }

  private endSession(): void {
    const had = this.currentUser !== null || this.accessToken !== null;
    this.accessToken = null;
    this.storedRefreshToken = null;
    this.currentUser = null;
    if (had) for (const listener of this.listeners) listener(null);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function signalOf(options: UploadOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

const EXTENSION_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  csv: 'text/csv',
  zip: 'application/zip',
};

/** The declared type: the browser's, else guessed from the extension (the server checks the bytes anyway). */
export function contentTypeOf(file: Blob & { name?: string }): string {
  if (file.type) return file.type.split(';')[0]!.trim();
  const extension = file.name?.split('.').pop()?.toLowerCase() ?? '';
  return EXTENSION_TYPES[extension] ?? 'application/octet-stream';
}

async function problemOf(response: Response): Promise<ApiError> {
  return problemFromText(response.status, await response.text().catch(() => ''), response.headers.get('x-request-id'), response.headers.get('retry-after'));
}

function problemFromText(status: number, text: string, requestId: string | null, retryAfter?: string | null): ApiError {
  let problem: Problem = { status, title: status === 0 ? 'Network error' : `HTTP ${status}` };
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object') problem = { ...problem, ...parsed, status };
  } catch {
    if (text && text.length < 300 && !text.startsWith('<')) problem.detail = text;
  }
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  return new ApiError(problem, requestId, Number.isFinite(seconds) ? seconds : null);
}

function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    status: 0,
    code: 'network_error',
    title: 'Network error',
    detail: 'Vitae could not be reached. Check your connection and try again.',
  });
  (error as { cause?: unknown }).cause = cause;
  return error;
}
