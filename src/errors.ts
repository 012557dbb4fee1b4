/**
 * Errors that carry an HTTP status and a stable machine-readable `code`.
 * Services and adapters throw these; the HTTP layer turns them into RFC 9457
 * problem documents. Anything else that escapes becomes a 500 without details.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds, sent as Retry-After (429 and 503). */
  readonly retryAfter?: number;
  /** Extension members of the problem document (RFC 9457 §3.2), e.g. a quota's `limit` and `used`. */
  readonly extensions?: Record<string, unknown>;
  /** The refusal already has its audit entry (written where the decision was made): the HTTP layer adds none. */
  audited = false;

  constructor(status: number, code: string, message: string, options?: { retryAfter?: number; cause?: unknown; extensions?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
    if (options?.extensions !== undefined) this.extensions = options.extensions;
  }
}

/** Marks a refusal whose audit entry the caller wrote itself. */
export function alreadyAudited<E extends AppError>(error: E): E {
  error.audited = true;
  return error;
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const unauthorized = (message = 'Missing or invalid credentials.') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(403, 'forbidden', message);
/** 404 is also the answer for anything the caller may not see: ids of other tenants are never confirmed. */
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);

/** A dependency (storage, database, scanner) is unreachable. Mapped to 503 with Retry-After. */
export class DependencyUnavailable extends AppError {
  readonly dependency: string;
  constructor(dependency: string, message: string, cause?: unknown) {
    super(503, `${dependency}_unavailable`, message, { retryAfter: 5, cause });
    this.name = 'DependencyUnavailable';
    this.dependency = dependency;
  }
}

export class StorageUnavailable extends DependencyUnavailable {
  constructor(message = 'The blob store is unavailable.', cause?: unknown) {
    super('storage', message, cause);
    this.name = 'StorageUnavailable';
  }
}
