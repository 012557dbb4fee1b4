import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { OrgRole as OrgRoleValue } from '../../db/schema.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { Line, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import { OrgRole, User } from '../schemas/identity.ts';

const tags = ['identity'];
const OrgParams = Type.Object({ org_id: Uuid });
const AddMemberBody = Type.Object({
  email: Line({ minLength: 3, maxLength: 320 }),
  org_role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')], { description: 'Default `member`.' })),
});

/** Organization members (org admins only); another organization's id answers 404. */
export function orgRoutes(services: Services): FastifyPluginAsync {
  const { accounts } = services.auth;
  return async (app) => {
    app.post(
      '/orgs/:org_id/members',
      {
        schema: {
          tags,
          summary: 'Add a recruiter by email',
          description:
            'Links an existing recruiter account that belongs to no organization (`status: "added"`), or records an invitation that the email claims when it registers as a recruiter without `org_name` (`status: "invited"`). 409 `not_a_recruiter` for a candidate account, `already_member` for a recruiter of an organization.',
          params: OrgParams,
          body: AddMemberBody,
          response: {
            201: Type.Object({ status: Type.Union([Type.Literal('added'), Type.Literal('invited')]), email: Type.String(), org_role: OrgRole, user: Type.Optional(User) }),
            ...problemResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { org_id } = request.params as { org_id: string };
        const added = await accounts.addMember(requestContext(request), org_id, request.body as { email: string; org_role?: OrgRoleValue });
        return reply.code(201).send(added);
      },
    );

    app.get(
      '/orgs/:org_id/members',
      {
        schema: { tags, summary: 'Members of the organization, newest first', params: OrgParams, querystring: Type.Object(Pagination), response: { 200: Page(User), ...problemResponses(400, 401, 403, 404) } },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query as { limit?: number; cursor?: string };
        return accounts.listMembers(requestContext(request), (request.params as { org_id: string }).org_id, { limit, ...(cursor ? { cursor } : {}) });
      },
    );
  };
}
