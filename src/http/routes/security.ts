import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import type { Services } from '../../services/index.ts';
import { WEBHOOK_EVENTS } from '../../services/webhooks/webhooks.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Line, NoBody, problemResponses, Uuid } from '../schemas/common.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Webhook = Type.Object({ id: Uuid, url: Type.String(), events: Type.Array(Type.String()), created_at: Timestamp });
const WebhookWithSecret = Type.Intersect([
  Webhook,
  Type.Object({ secret: Type.String({ description: 'The signing secret (`whsec_…`): shown only in this answer.' }) }),
]);

/** Quarantine, rescans and outbound webhooks (org admins). */
export function securityRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { quarantine, webhooks } = services;
  return async (app) => {
    app.get(
      '/quarantine',
      {
        schema: {
          tags: ['scanning'],
          summary: "The organization's infected and rejected files",
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  file_id: Uuid,
                  version: Type.Integer(),
                  filename: Nullable(Type.String()),
                  status: Type.String(),
                  reason: Nullable(Type.String()),
                  engine: Nullable(Type.String()),
                  signature: Nullable(Type.String()),
                  size: Type.Union([Type.Integer(), Type.Null()]),
                  quarantined_at: Timestamp,
                }),
              ),
            }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => ({ items: await quarantine.list(requestContext(request)) }),
    );

    app.delete(
      '/quarantine/:id',
      {
        schema: {
          tags: ['scanning'],
          summary: 'Delete the quarantined bytes of a file',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await quarantine.remove(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/files/:id/rescan',
      {
        schema: {
          tags: ['scanning'],
          summary: 'Scan a clean file again (after a signature update)',
          params: IdParams,
          response: { 202: NoBody, ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await quarantine.rescan(requestContext(request), request.params.id);
        return reply.code(202).send(undefined);
      },
    );

    app.post(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Register a webhook (its signing secret is shown once)',
          description:
            'The URL must be http(s) and point at a public address: IP literals in any form (IPv4-mapped, NAT64, 6to4 included) and names that are local or resolve to a loopback, private, link-local, shared (CGNAT), reserved or multicast address answer 400 `private_url`. A name that does not resolve yet is accepted; every delivery checks again the addresses the name resolves to then.',
          body: Type.Object({
            url: Line({ minLength: 1, maxLength: 2000 }),
            events: Type.Array(Type.String({ enum: [...WEBHOOK_EVENTS] }), { minItems: 1 }),
          }),
          response: { 201: WebhookWithSecret, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return webhooks.create(requestContext(request), request.body);
      },
    );

    app.get(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: "The organization's webhooks",
          response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...problemResponses(401, 403) },
        },
      },
      async (request) => ({
        items: await webhooks.list(requestContext(request)),
      }),
    );

    app.delete(
      '/webhooks/:id',
      { schema: { tags: ['webhooks'], summary: 'Remove a webhook', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } },
      async (request, reply) => {
        await webhooks.remove(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/webhooks/:id/rotate-secret',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Replace the signing secret (the new one is shown once; the old one stops signing at once)',
          params: IdParams,
          response: { 200: WebhookWithSecret, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => webhooks.rotateSecret(requestContext(request), request.params.id),
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Recent deliveries and their attempts',
          params: IdParams,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Uuid,
                  event: Type.String(),
                  status: Type.String(),
                  attempts: Type.Integer(),
                  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
                  last_error: Nullable(Type.String()),
                  created_at: Timestamp,
                  last_attempt_at: Nullable(Timestamp),
                  delivered_at: Nullable(Timestamp),
                }),
              ),
            }),
            ...problemResponses(401, 403, 404),
          },
        },
      },
      async (request) => ({ items: await webhooks.deliveries(requestContext(request), request.params.id) }),
    );
  };
}
