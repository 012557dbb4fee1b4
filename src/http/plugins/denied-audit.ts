import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';
import type { DeniedAttempts } from '../../services/audit/denied-attempts.ts';
import { auditContextOf } from '../request-context.ts';
import { REFRESH_COOKIE } from '../routes/auth.ts';

/** Which kind of credential a refused request presented: never the credential itself. */
export type CredentialKind = 'bearer' | 'api_key' | 'refresh_token' | 'cookie' | 'none';

/**
 * Every 401 and 403 leaves an audit entry (within the denied-attempt budget), except refusals
 * whose service wrote a more specific one (a failed login, a refused file access):
 * - `request.unauthenticated`: missing or bad credentials, with the kind presented;
 * - `request.forbidden`: a recognized caller refused, in its organization's trail (an API key's
 *   or a member's), else in its own account's, else in the system chain.
 * Details hold the problem code, the credential kind, the method and the route pattern (never
 * the raw URL, which may carry ids or tokens). Runs before the problem document is sent, so the
 * entry is written by the time the client sees the refusal; a failing write is logged, and the
 * client still gets its 401 or 403.
 */
export const deniedAuditPlugin = fp<{ deniedAttempts: DeniedAttempts }>(async (app, { deniedAttempts }) => {
  app.addHook('onError', async (request, _reply, error) => {
    if (!(error instanceof AppError) || (error.status !== 401 && error.status !== 403) || error.audited) return;
    const actor = request.actor;
    try {
      await deniedAttempts.record(auditContextOf(request), {
        action: error.status === 401 ? 'request.unauthenticated' : 'request.forbidden',
        orgId: actor?.orgId ?? null,
        details: { code: error.code, credential: credentialKind(request), method: request.method, route: request.routeOptions.url ?? null },
      });
    } catch (cause) {
      request.log.warn({ err: cause }, 'a denied attempt could not be audited');
    }
  });
});

function credentialKind(request: FastifyRequest): CredentialKind {
  if (request.headers.authorization) return 'bearer';
  if (request.headers['x-api-key']) return 'api_key';
  if (typeof (request.body as { refresh_token?: unknown } | undefined)?.refresh_token === 'string') return 'refresh_token';
  if (request.cookies?.[REFRESH_COOKIE]) return 'cookie';
  return 'none';
}
