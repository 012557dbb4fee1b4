import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../domain/policy.ts';
import { AppError, unauthorized } from '../errors.ts';
import type { Accounts } from '../services/auth/accounts.ts';
import type { ApiKeys } from '../services/auth/api-keys.ts';
import type { TokenService } from '../services/auth/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null for an anonymous request. Set before any handler runs. */
    actor: Actor | null;
  }
}

/**
 * Resolves `Authorization: Bearer <JWT>` (Vitae's own tokens, or an external identity provider's
 * when AUTH_JWKS_URL is set) or `X-Api-Key` into `request.actor`. Bad credentials answer 401 at
 * once; no credentials leave the actor null, and routes that need one call `requireActor`.
 */
export const authenticatePlugin = fp<{ accounts: Accounts; apiKeys: ApiKeys; tokens: TokenService }>(async (app, { accounts, apiKeys, tokens }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    if (typeof authorization === 'string' && authorization !== '') {
      const [scheme, token] = authorization.split(' ', 2);
      if (scheme?.toLowerCase() !== 'bearer' || !token) throw new AppError(401, 'invalid_token', 'Use `Authorization: Bearer <token>`.');
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
      const actor = await accounts.actor(verified.userId);
      if (!actor) throw new AppError(401, 'invalid_token', 'The access token’s user no longer exists.');
      return actor;
    }
    const user = await accounts.getByEmail(verified.identity);
    if (!user) throw new AppError(401, 'unknown_user', 'The identity provider’s user has no Vitae account.');
    return (await accounts.actor(user.id))!;
  }
});

/** The caller, or 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('Authentication required: send a Bearer token or an X-Api-Key.');
  return request.actor;
}
