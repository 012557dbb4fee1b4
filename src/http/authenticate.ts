import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, UserActor } from '../domain/policy.ts';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { Accounts } from '../services/auth/accounts.ts';
import type { ApiKeys } from '../services/auth/api-keys.ts';
import type { LiveAccounts } from '../services/auth/live-accounts.ts';
import type { AuthSessions } from '../services/auth/sessions.ts';
import type { TokenService } from '../services/auth/tokens.ts';

export { authorizeOrThrow } from '../services/authorize.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null for an anonymous request. Set before any handler runs. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** The route checks its own credential: the Authorization header is not a user's token. */
    ownCredentials?: boolean;
  }
}

export interface AuthenticateOptions {
  accounts: Accounts;
  apiKeys: ApiKeys;
  tokens: TokenService;
  live: LiveAccounts;
  sessions: AuthSessions;
}

/**
 * Resolves the caller into `request.actor` on every request, before any handler:
 * - `Authorization: Bearer <JWT>`: Vitae's own access token, verified in memory, whose login must
 *   still hold (an indexed lookup, remembered for AUTH_SESSION_CACHE_MS; 401 `token_revoked` after
 *   a logout or a reused refresh token), or, when AUTH_JWKS_URL is set, an external identity
 *   provider's token mapped to its user;
 * - `X-Api-Key: <key>`: one indexed lookup of the key's hash.
 * A local token's user is checked to still have an account (see LiveAccounts: cached, so it costs
 * no query on most requests).
 * Bad credentials answer 401 at once (`invalid_token`, `unknown_user`, `invalid_api_key`), even on
 * routes that need none, so a client learns that its credentials are broken. No credentials leave
 * the actor null; routes that need one call `requireActor` or `requireUser`. When both headers
 * are sent, the Bearer token wins.
 */
export const authenticatePlugin = fp<AuthenticateOptions>(async (app, { accounts, apiKeys, tokens, live, sessions }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    // A route that checks a credential of its own (`/metrics` and its METRICS_TOKEN) is not a user's.
    if (request.routeOptions.config.ownCredentials) return;
    const authorization = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    if (typeof authorization === 'string' && authorization !== '') {
      const [scheme, token, extra] = authorization.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) throw new AppError(401, 'invalid_token', 'Use `Authorization: Bearer <token>`.');
      request.actor = await actorFromToken(token);
    } else if (typeof apiKey === 'string' && apiKey !== '') {
      const actor = await apiKeys.authenticate(apiKey);
      if (!actor) throw new AppError(401, 'invalid_api_key', 'The API key is unknown or revoked.');
      request.actor = actor;
    }
  });

  async function actorFromToken(token: string): Promise<Actor> {
    let verified;
    try {
      verified = await tokens.verify(token);
    } catch {
      throw new AppError(401, 'invalid_token', 'The access token is invalid or expired.');
    }
    if (verified.kind === 'local') {
      // A token issued before its account was erased is refused (`unknown_user`) like one of an unknown account.
      if (!(await live.isLive(verified.actor.userId))) throw new AppError(401, 'unknown_user', 'The access token’s account no longer exists.');
      if (!(await sessions.isActive(verified.sessionId)))
        throw new AppError(401, 'token_revoked', 'This sign-in has ended (signed out, or revoked): sign in again.');
      return verified.actor;
    }
    const actor = await accounts.externalActor(verified.subject, verified.identity);
    if (!actor) throw new AppError(401, 'unknown_user', 'The identity provider’s user has no Vitae account.');
    return actor;
  }
});

/** The caller, or 401 `unauthorized` for an anonymous request. For routes open to people and API keys. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('Authentication required: send a Bearer token or an X-Api-Key.');
  return request.actor;
}

/** The calling person, for routes that only make sense for one (`/auth/me`): 401 when anonymous, 403 for an API key. */
export function requireUser(request: FastifyRequest): UserActor {
  const actor = requireActor(request);
  if (actor.kind !== 'user') throw forbidden('This route is for people, not API keys.');
  return actor;
}
