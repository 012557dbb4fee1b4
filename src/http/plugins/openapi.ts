import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requireActor } from '../authenticate.ts';

/**
 * The OpenAPI document, generated from the route schemas, at /openapi.json and browsable at /docs.
 * `access: 'authenticated'` (DOCS_ACCESS) keeps both to callers with a Bearer token or an API key.
 */
export const openApiPlugin = fp(async (app, options: { publicUrl: string; version: string; access: 'public' | 'authenticated' }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vitae API',
        version: options.version,
        description: 'Store and screen hiring documents. Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`.',
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  const guard = options.access === 'authenticated' ? { onRequest: async (request: FastifyRequest) => void requireActor(request) } : {};
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    uiHooks: guard,
    // swagger-ui's own policy (its inline scripts by hash), except that nothing may frame the docs.
    staticCSP: true,
    transformStaticCSP: (header) => header.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });
  app.get('/openapi.json', { schema: { hide: true }, ...guard }, async () => app.swagger());
});
