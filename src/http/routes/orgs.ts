import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { Line, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import { Invitation, InvitationStatus, OrgRole, Usage, User } from '../schemas/identity.ts';

const tags = ['identity'];
const OrgParams = Type.Object({ org_id: Uuid });
const InvitationParams = Type.Object({ org_id: Uuid, invitation_id: Uuid });
const AddMemberBody = Type.Object({
  email: Line({ minLength: 3, maxLength: 320 }),
  org_role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')], { description: 'Default `member`.' })),
});

const MemberAdded = Type.Object({
  status: Type.Union([Type.Literal('added'), Type.Literal('invited')]),
  email: Type.String(),
  org_role: OrgRole,
  user: Type.Optional(User),
  invitation: Type.Optional(Invitation),
  invitation_token: Type.Optional(
    Type.String({
      description:
        '`invited` only, and only in this response (only its hash is stored): send it to the invitee, who registers with it as `invitation_token`. Single use.',
    }),
  ),
  invitation_url: Type.Optional(
    Type.String({ description: '`invited` only: the web app’s registration page with the token in the URL fragment, ready to send.' }),
  ),
});

/** Organization members and invitations (org admins only), and its quota usage (members); another organization's id answers 404. */
export function orgRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { accounts, invitations } = services.auth;
  return async (app) => {
    app.post(
      '/orgs/:org_id/members',
      {
        schema: {
          tags,
          summary: 'Add a recruiter by email',
          description:
            'Links an existing recruiter account that belongs to no organization (`status: "added"`), or issues an invitation (`status: "invited"`) with a single-use `invitation_token`, returned only here, for the admin to send: the invitee joins by registering as a recruiter with this email and the token. The token expires after INVITATION_TTL_SECONDS (7 days by default); inviting the same address again cancels its open invitation. 409 `not_a_recruiter` for a candidate account, `already_member` for a recruiter of an organization.',
          params: OrgParams,
          body: AddMemberBody,
          response: {
            201: MemberAdded,
            ...problemResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { org_id } = request.params;
        const added = await accounts.addMember(requestContext(request), org_id, request.body);
        return reply.code(201).send(added);
      },
    );

    app.get(
      '/orgs/:org_id/members',
      {
        schema: {
          tags,
          summary: 'Members of the organization, newest first',
          params: OrgParams,
          querystring: Type.Object(Pagination),
          response: { 200: Page(User), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        return accounts.listMembers(requestContext(request), request.params.org_id, { limit, ...(cursor ? { cursor } : {}) });
      },
    );

    app.get(
      '/orgs/:org_id/usage',
      {
        schema: {
          tags,
          summary: 'Storage and uploads of the organization against its quotas',
          description:
            'Any member of the organization, or an API key with `files:read`. Bytes count every stored version of the files that are not deleted (pending uploads at their declared size); uploads count those started in the current hour. Limits come from QUOTA_ORG_BYTES and QUOTA_ORG_UPLOADS_PER_HOUR unless the operator set the organization’s own (`vitae quota`); null is unlimited.',
          params: OrgParams,
          response: { 200: Usage, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => services.quotas.orgUsage(requestContext(request), request.params.org_id),
    );

    app.get(
      '/orgs/:org_id/invitations',
      {
        schema: {
          tags,
          summary: 'Invitations of the organization, newest first',
          description: 'Without their tokens. `status` filters: `pending` (can still be used), `accepted`, `expired`, `cancelled`.',
          params: OrgParams,
          querystring: Type.Object({ ...Pagination, status: Type.Optional(InvitationStatus) }),
          response: { 200: Page(Invitation), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, status } = request.query;
        return invitations.list(requestContext(request), request.params.org_id, {
          limit,
          ...(cursor ? { cursor } : {}),
          ...(status ? { status } : {}),
        });
      },
    );

    app.delete(
      '/orgs/:org_id/invitations/:invitation_id',
      {
        schema: {
          tags,
          summary: 'Cancel an invitation',
          description: 'Its token stops working at once. Idempotent; 409 `invitation_accepted` when it has been used already.',
          params: InvitationParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { org_id, invitation_id } = request.params;
        await invitations.cancel(requestContext(request), org_id, invitation_id);
        return reply.code(204).send(null);
      },
    );
  };
}
