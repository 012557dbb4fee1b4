import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { problemResponses, Uuid } from '../schemas/common.ts';

const tags = ['identity'];
const OrgParams = Type.Object({ org_id: Uuid });
const Member = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  org_id: Type.Union([Uuid, Type.Null()]),
  org_role: Type.Union([Type.String(), Type.Null()]),
  org_name: Type.Union([Type.String(), Type.Null()]),
});

/** Organization members (org admins only). */
export function orgRoutes(services: Services): FastifyPluginAsync {
  const { accounts } = services.auth;
  return async (app) => {
    app.post(
      '/orgs/:org_id/members',
      {
        schema: {
          tags,
          summary: 'Add a recruiter by email (links an existing account or records an invitation)',
          params: OrgParams,
          body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), org_role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')])) }),
          response: {
            201: Type.Object({ status: Type.Union([Type.Literal('added'), Type.Literal('invited')]), email: Type.String(), org_role: Type.String(), user: Type.Optional(Member) }),
            ...problemResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { org_id } = request.params as { org_id: string };
        reply.code(201);
        return accounts.addMember(requestContext(request), org_id, request.body as { email: string; org_role?: 'admin' | 'member' });
      },
    );

    app.get(
      '/orgs/:org_id/members',
      { schema: { tags, summary: 'Members of the organization', params: OrgParams, response: { 200: Type.Object({ items: Type.Array(Member) }), ...problemResponses(401, 403, 404) } } },
      async (request) => ({ items: await accounts.listMembers(requestContext(request), (request.params as { org_id: string }).org_id) }),
    );
  };
}
