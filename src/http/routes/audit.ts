import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import type { AuditEventRow } from '../../db/schema.ts';
import { authorize } from '../../domain/policy.ts';
import type { Page as ListPage } from '../../domain/pagination.ts';
import { forbidden } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Line, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import { AuditEntry } from '../schemas/files.ts';

const tags = ['audit'];

/** `GET /audit` (org admins, or API keys with audit:read) and `GET /files/{id}/access-log`. */
export function auditRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          tags,
          summary: "The organization's audit trail, newest first",
          querystring: Type.Object({
            ...Pagination,
            file_id: Type.Optional(Uuid),
            actor_id: Type.Optional(Uuid),
            action: Type.Optional(Line({ maxLength: 64 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          }),
          response: { 200: Page(AuditEntry), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { actor } = requestContext(request);
        if (!actor.orgId || !authorize(actor, 'audit.read', { type: 'org_scope', orgId: actor.orgId }).allowed)
          throw forbidden('Only organization admins can read the audit trail.');
        const { limit = 50, cursor, file_id, actor_id, action, from, to } = request.query;
        const page = await services.audit.list(
          {
            orgId: actor.orgId,
            ...(file_id ? { fileId: file_id } : {}),
            ...(actor_id ? { actorId: actor_id } : {}),
            ...(action ? { action } : {}),
            ...(from ? { from: new Date(from) } : {}),
            ...(to ? { to: new Date(to) } : {}),
          },
          { limit, ...(cursor ? { cursor } : {}) },
        );
        return auditPage(page);
      },
    );

    app.get(
      '/audit/verify',
      {
        schema: {
          tags,
          summary: "Recomputes the organization's audit hash chain",
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              chains: Type.Array(
                Type.Object({
                  chain: Type.String(),
                  entries: Type.Integer(),
                  ok: Type.Boolean(),
                  problem: Type.Optional(Type.String()),
                  broken_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
                }),
              ),
            }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const { actor } = requestContext(request);
        if (!actor.orgId || !authorize(actor, 'audit.read', { type: 'org_scope', orgId: actor.orgId }).allowed)
          throw forbidden('Only organization admins can verify the audit trail.');
        const reports = await services.audit.verifyOrganization(actor.orgId);
        return {
          ok: reports.every((report) => report.ok),
          chains: reports.map((report) =>
            report.ok ? report : { chain: report.chain, entries: report.entries, ok: false, problem: report.problem, broken_at: report.brokenAt },
          ),
        };
      },
    );

    app.get(
      '/files/:id/access-log',
      {
        schema: {
          tags: ['files', ...tags],
          summary: 'The audit entries of one file (its owner, or an org admin)',
          params: IdParams,
          querystring: Type.Object(Pagination),
          response: { 200: Page(AuditEntry), ...problemResponses(401, 404) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        const page = await services.files.accessLog(requestContext(request), request.params.id, {
          limit,
          ...(cursor ? { cursor } : {}),
        });
        return auditPage(page);
      },
    );
  };
}

function auditPage({ items, next_cursor }: ListPage<AuditEventRow>) {
  return {
    items: items.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor_id: row.actor_id,
      actor_type: row.actor_type,
      action: row.action,
      file_id: row.file_id,
      org_id: row.org_id,
      outcome: row.outcome,
      ip: row.ip,
      user_agent: row.user_agent,
      request_id: row.request_id,
      details: row.details,
    })),
    next_cursor,
  };
}
