import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { Type, type Static } from 'typebox';
import { decodeCursor } from '../../domain/pagination.ts';
import type { Services } from '../../services/index.ts';
import { view } from '../../services/privacy/exports.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Page, Pagination, problemResponses } from '../schemas/common.ts';
import { DataExport, EraseAccountBody } from '../schemas/privacy.ts';
import { pageOf } from './files.ts';

const tags = ['personal data'];

/** `/me/*`: a candidate's export of their own data and the erasure of their account. */
export function meRoutes(services: Services): FastifyPluginAsync {
  const { exports, accountErasure } = services;

  return async (app) => {
    app.post(
      '/me/export',
      {
        schema: {
          tags,
          summary: 'Export your own data',
          description: 'Candidates only (403 otherwise). Starts building one ZIP of everything stored about the caller; poll `GET /me/exports/{id}` until it is `ready`.',
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
      { schema: { tags, summary: 'Your exports, newest first', security: [{ bearer: [] }], querystring: Type.Object(Pagination), response: { 200: Page(DataExport), ...problemResponses(400, 401, 403) } } },
      async (request) => {
        const { limit = 50, cursor } = request.query as { limit?: number; cursor?: string };
        const rows = await exports.list(requestContext(request), { limit: limit + 1, ...(cursor ? { after: decodeCursor(cursor) } : {}) });
        return pageOf(rows.map(view), limit);
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
      async (request) => exports.get(requestContext(request), (request.params as { id: string }).id),
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
            'Candidates only. Erases every file (all versions and quarantined copies), the applications (organizations lose access) and the candidate records made from them, exports, refresh tokens and the account itself; access tokens already issued stop working. The audit trail keeps its entries, which name ids only. Needs the password again (403 `reauthentication_required` without it, 403 `invalid_password` when wrong, and nothing is erased), or for an account without a password an access token issued within the last 5 minutes. The email can register again afterwards.',
          security: [{ bearer: [] }],
          body: EraseAccountBody,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const { password } = request.body as Static<typeof EraseAccountBody>;
        await accountErasure.erase(requestContext(request), { ...(password !== undefined ? { password } : {}), ...issuedAt(request) });
        return reply.code(204).send();
      },
    );
  };
}

/** `iat` of the request's bearer token, which the authentication hook has already verified. */
function issuedAt(request: FastifyRequest): { tokenIssuedAt?: number } {
  const token = request.headers.authorization?.split(' ')[1];
  if (!token) return {};
  const { iat } = decodeJwt(token);
  return typeof iat === 'number' ? { tokenIssuedAt: iat } : {};
}
