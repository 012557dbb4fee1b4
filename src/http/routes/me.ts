import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Type } from '../schemas/json-schema.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Page, Pagination, problemResponses } from '../schemas/common.ts';
import { Usage } from '../schemas/identity.ts';
import { DataExport, EraseAccountBody } from '../schemas/privacy.ts';

const tags = ['personal data'];

/** `/me/*`: a candidate's export of their own data and the erasure of their account; the caller's quota usage. */
export function meRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { exports, accountErasure } = services;

  return async (app) => {
    app.get(
      '/me/usage',
      {
        schema: {
          tags: ['identity'],
          summary: 'Your storage and uploads against your quotas',
          description:
            'A candidate’s own files (QUOTA_CANDIDATE_BYTES, QUOTA_CANDIDATE_UPLOADS_PER_HOUR); for a recruiter or an API key, their organization’s, as `GET /orgs/{id}/usage`. 403 for a recruiter without an organization.',
          response: { 200: Usage, ...problemResponses(401, 403) },
        },
      },
      async (request) => services.quotas.ownUsage(requestContext(request)),
    );

    app.post(
      '/me/export',
      {
        schema: {
          tags,
          summary: 'Export your own data',
          description:
            'Candidates only (403 otherwise). Starts building one ZIP of everything stored about the caller; poll `GET /me/exports/{id}` until it is `ready`.',
          security: [{ bearer: [] }],
          response: { 202: DataExport, ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => {
        reply.code(202);
        return exports.request(requestContext(request));
      },
    );

    app.get(
      '/me/exports',
      {
        schema: {
          tags,
          summary: 'Your exports, newest first',
          security: [{ bearer: [] }],
          querystring: Type.Object(Pagination),
          response: { 200: Page(DataExport), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        return exports.list(requestContext(request), { limit, ...(cursor ? { cursor } : {}) });
      },
    );

    app.get(
      '/me/exports/:id',
      {
        schema: {
          tags,
          summary: 'One of your exports, with a download URL when ready',
          description: '404 for an export that is not the caller’s.',
          security: [{ bearer: [] }],
          params: IdParams,
          response: { 200: DataExport, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => exports.get(requestContext(request), request.params.id),
    );

    app.delete(
      '/me',
      {
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags,
          summary: 'Erase your account',
          description:
            'Candidates only. Erases every file (all versions and quarantined copies), the applications (organizations lose access) and the candidate records made from them, exports, refresh tokens and the account itself; access tokens already issued stop working. The audit trail keeps its entries, which name ids only. Needs the password again, or a token of the identity provider (AUTH_JWKS_URL) issued within the last 5 minutes: 403 `reauthentication_required` with neither, 403 `invalid_password` for a wrong one, and nothing is erased. The email can register again afterwards.',
          security: [{ bearer: [] }],
          body: EraseAccountBody,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const { password } = request.body;
        await accountErasure.erase(requestContext(request), { ...(password !== undefined ? { password } : {}), ...externalIssuedAt(request) });
        return reply.code(204).send(null);
      },
    );
  };
}

/**
 * `iat` of the request's bearer token when it is the identity provider's (not HS256, Vitae's own).
 * The authentication hook has already verified it; this only reads it.
 */
function externalIssuedAt(request: FastifyRequest): { externalTokenIssuedAt?: number } {
  const token = request.headers.authorization?.split(' ')[1];
  if (!token || decodeProtectedHeader(token).alg === 'HS256') return {};
  const { iat } = decodeJwt(token);
  return typeof iat === 'number' ? { externalTokenIssuedAt: iat } : {};
}
