import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import { SCOPES } from '../../domain/policy.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Line, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';

const tags = ['identity'];
const Timestamp = Type.String({ format: 'date-time' });
const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'Visible part of the key, to tell keys apart.' }),
  scopes: Type.Array(Type.String()),
  created_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
});

/** API keys for services (org admins): shown once, stored as a hash, revocable. */
export function apiKeyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { apiKeys } = services.auth;
  return async (app) => {
    app.post(
      '/api-keys',
      {
        schema: {
          tags,
          summary: 'Create an API key (the key is shown once)',
          description:
            'Org admins. The key (`vitae_<prefix>_<secret>`) is returned once and stored only as a hash; send it as `X-Api-Key`. It acts for the organization, limited to its scopes, and never manages members or keys.',
          body: Type.Object({
            name: Line({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Type.String({ enum: [...SCOPES] }), { minItems: 1, maxItems: SCOPES.length }),
          }),
          response: { 201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return apiKeys.create(requestContext(request), request.body);
      },
    );

    app.get(
      '/api-keys',
      {
        schema: {
          tags,
          summary: 'The organization’s API keys, newest first (without secrets)',
          description: 'Org admins. Revoked keys are listed with `revoked_at`; `last_used_at` is recorded to the minute.',
          querystring: Type.Object(Pagination),
          response: { 200: Page(ApiKey), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        return apiKeys.list(requestContext(request), { limit, ...(cursor ? { cursor } : {}) });
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        schema: {
          tags,
          summary: 'Revoke an API key',
          description: 'Org admins. Idempotent: revoking a revoked key answers 204 again.',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await apiKeys.revoke(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
