import { AppError } from '../errors.ts';

/**
 * The shape of every failure the domain decides: an HTTP status, a stable machine-readable code
 * and a human message. Validators return it (so callers can branch without try/catch); the
 * services throw it as an `AppError`, which the HTTP layer turns into an RFC 9457 document.
 */
export interface DomainProblem {
  status: number;
  code: string;
  message: string;
}

/** The domain's own error class is the application's: one class, one mapping to HTTP. */
export { AppError as DomainError };

export const problemError = (problem: DomainProblem): AppError => new AppError(problem.status, problem.code, problem.message);

/** `ok: true` with a value, or `ok: false` with the problem. */
export type Checked<T extends object = object> = ({ ok: true } & T) | ({ ok: false } & DomainProblem);
