import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { SCOPES } from '../../domain/policy.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, problemResponses, Uuid } from '../schemas/common.ts';

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
export function apiKeyRoutes(services: Services): FastifyPluginAsync {
  const { apiKeys } = services.auth;
  return async (app) => {
    app.post(
      '/api-keys',
      {
        schema: {
          tags,
          summary: 'Create an API key (the key is shown once)',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(Type.String({ enum: [...SCOPES] } as never), { minItems: 1, maxItems: SCOPES.length }) }),
          response: { 201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return apiKeys.create(requestContext(request), request.body as { name: string; scopes: string[] });
      },
    );

    app.get('/api-keys', { schema: { tags, summary: 'The organization’s API keys (without secrets)', response: { 200: Type.Object({ items: Type.Array(ApiKey) }), ...problemResponses(401, 403) } } }, async (request) => ({
      items: await apiKeys.list(requestContext(request)),
    }));

    app.delete('/api-keys/:id', { schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } }, async (request, reply) => {
      await apiKeys.revoke(requestContext(request), (request.params as { id: string }).id);
      return reply.code(204).send();
    });
  };
}
