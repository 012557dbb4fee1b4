import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { Type } from '../schemas/json-schema.ts';
import { badRequest } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import type { FileView } from '../../services/files/file-view.ts';
import type { StreamedUpload } from '../../services/files/uploads.ts';
import { contentRequest, sendContent } from '../content-reply.ts';
import { fingerprinted, IdempotencyHeaders, idempotent } from '../idempotency.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Line, MAX_INT32, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import { FileObject, InitiateBody, InitiateResponse, VersionInitiateBody, VersionObject } from '../schemas/files.ts';

const tags = ['files'];
const VersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })) });

/**
 * The JSON body of POST /files/{id}/versions, which the handler checks itself (the route also takes
 * multipart, so it has no body schema): compiled on first use, and without the type coercion of
 * Fastify's validator (`"size": "5"` is refused, not read as 5).
 */
let versionInitiateCheck: ValidateFunction<Static<typeof VersionInitiateBody>> | undefined;
function isVersionInitiateBody(body: unknown): body is Static<typeof VersionInitiateBody> {
  versionInitiateCheck ??= new Ajv().compile<Static<typeof VersionInitiateBody>>(VersionInitiateBody);
  return versionInitiateCheck(body);
}

/** The file endpoints (tag `files` of the OpenAPI document at /docs). Handlers translate HTTP to the services and back, nothing more. */
export function fileRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { uploads, files, scanPipeline } = services;
  const idempotency = idempotent(services.idempotency);

  return async (app) => {
    app.post(
      '/files/upload/initiate',
      {
        schema: {
          tags,
          summary: 'Start a pre-signed upload',
          description:
            'Validates category, declared type and size, then returns a short-lived signed PUT URL. Candidates may upload `resume` and `cover_letter` only (403 `category_not_allowed`). The declared size counts against the storage quota from here on. Over a quota (storage or uploads per hour, of the organization or the candidate) no URL is signed: 413 `storage_quota_exceeded` / 429 `upload_rate_exceeded`, with `limit` and `used`.',
          headers: IdempotencyHeaders,
          body: InitiateBody,
          response: { 201: InitiateResponse, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429) },
        },
        ...idempotency,
      },
      async (request, reply) => {
        const body = request.body;
        reply.code(201);
        return uploads.initiate(requestContext(request), body);
      },
    );

    app.post(
      '/files/upload/complete',
      {
        schema: {
          tags,
          summary: 'Complete a pre-signed upload',
          description: 'Verifies the stored object (size, type by magic bytes, sha256) and starts the scan.',
          body: Type.Object({ file_id: Uuid }),
          response: { 200: FileObject, ...problemResponses(400, 401, 404, 409, 422) },
        },
      },
      async (request) => uploads.complete(requestContext(request), request.body.file_id),
    );

    app.post(
      '/files',
      {
        schema: {
          tags,
          summary: 'Upload a file through the server (streamed)',
          description:
            'multipart/form-data with a `category` field followed by a `file` part (or `?category=`). Never buffered whole; the size limit is enforced while streaming. Candidates may upload `resume` and `cover_letter` only (403 `category_not_allowed`). A body without a boundary or cut short is 400 `malformed_multipart`. Over a quota (storage or uploads per hour, of the organization or the candidate) the request is refused before its body is read when nothing is left; a stream that passes the bytes left is cut there and nothing of it is kept: 413 `storage_quota_exceeded` / 429 `upload_rate_exceeded`, with `limit` and `used`.',
          consumes: ['multipart/form-data'],
          headers: IdempotencyHeaders,
          querystring: Type.Object({ category: Type.Optional(Line({ maxLength: 64 })) }),
          response: { 201: FileObject, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429) },
        },
        ...idempotency,
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const { category } = request.query;
        const file = await readMultipartUpload(request, category, (upload) => uploads.uploadStream(ctx, upload));
        reply.code(201);
        return file;
      },
    );

    app.get(
      '/files',
      {
        schema: {
          tags,
          summary: "List the caller's visible files",
          querystring: Type.Object({
            ...Pagination,
            category: Type.Optional(Line({ maxLength: 64 })),
            status: Type.Optional(Line({ maxLength: 32 })),
            owner_id: Type.Optional(Uuid),
          }),
          response: { 200: Page(FileObject), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, ...filter } = request.query;
        return files.list(requestContext(request), filter, { limit, ...(cursor ? { cursor } : {}) });
      },
    );

    app.get(
      '/files/:id',
      { schema: { tags, summary: 'File metadata', params: IdParams, response: { 200: FileObject, ...problemResponses(401, 404) } } },
      async (request) => files.get(requestContext(request), request.params.id),
    );

    app.get(
      '/files/:id/versions',
      {
        schema: {
          tags,
          summary: 'Versions of a file, newest first',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(VersionObject) }), ...problemResponses(401, 404) },
        },
      },
      async (request) => ({ items: await files.versions(requestContext(request), request.params.id) }),
    );

    app.post(
      '/files/:id/versions',
      {
        schema: {
          tags,
          summary: 'Add a new version',
          description:
            'JSON `{filename, content_type, size}` starts a pre-signed upload (complete it with /files/upload/complete); multipart streams the new version through the server. A new version counts against the file’s quota (its organization’s, or its candidate’s) like a new file: 413 `storage_quota_exceeded`, 429 `upload_rate_exceeded`.',
          params: IdParams,
          consumes: ['application/json', 'multipart/form-data'],
          response: { 201: Type.Union([InitiateResponse, FileObject]), ...problemResponses(400, 401, 404, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const { id } = request.params;
        reply.code(201);
        if (request.isMultipart()) return readMultipartUpload(request, 'unused', (upload) => uploads.uploadVersionStream(ctx, id, upload));
        // The body schema applies to JSON only (a multipart body is streamed), so it is checked here.
        const body: unknown = request.body;
        if (!isVersionInitiateBody(body)) {
          throw badRequest('validation_failed', 'Expected {filename, content_type, size} or a multipart upload.');
        }
        return uploads.initiateVersion(ctx, id, body);
      },
    );

    app.get(
      '/files/:id/download',
      {
        schema: {
          tags,
          summary: 'A pre-signed download URL',
          description:
            'Valid for DOWNLOAD_URL_TTL_SECONDS (1 hour by default); for a file the organization sees through a candidate’s application, at most SHARED_DOWNLOAD_URL_TTL_SECONDS (5 minutes by default). On local storage the URL is checked again whenever it is used: once the file is deleted or the caller’s access ends (the application withdrawn, the API key revoked), it answers 404.',
          params: IdParams,
          querystring: VersionQuery,
          response: {
            200: Type.Object({ url: Type.String(), expires_at: Type.String({ format: 'date-time' }), version: Type.Integer() }),
            ...problemResponses(401, 404, 423),
          },
        },
      },
      async (request) => files.downloadUrl(requestContext(request), request.params.id, request.query.version),
    );

    app.get(
      '/files/:id/content',
      {
        schema: {
          tags,
          summary: 'The bytes, streamed (Range, ETag, If-None-Match supported)',
          description:
            'A CSV is served with every cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed by a single quote, so that a spreadsheet never runs it as a formula; it has no Content-Length and no ranges (a Range header gets the whole body). The pre-signed URL of /download gives the bytes as uploaded.',
          params: IdParams,
          querystring: VersionQuery,
          produces: ['application/octet-stream'],
          response: problemResponses(401, 404, 416, 423),
        },
      },
      async (request, reply) => {
        const { version } = request.query;
        const result = await files.content(requestContext(request), request.params.id, {
          ...contentRequest(request),
          ...(version ? { version } : {}),
        });
        return sendContent(request, reply, result);
      },
    );

    app.delete(
      '/files/:id',
      {
        schema: {
          tags,
          summary: 'Delete (soft) or erase (`?hard=true`, GDPR) a file',
          params: IdParams,
          querystring: Type.Object({ hard: Type.Optional(Type.Boolean({ default: false })) }),
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await files.delete(requestContext(request), request.params.id, request.query.hard === true);
        return reply.code(204).send(null);
      },
    );

    app.patch(
      '/files/:id/scan-result',
      {
        schema: {
          tags,
          summary: 'Report an external scanner’s verdict (API key with scan:write)',
          params: IdParams,
          body: Type.Object({
            result: Type.Union([Type.Literal('clean'), Type.Literal('infected')]),
            engine: Line({ minLength: 1, maxLength: 100 }),
            signature: Type.Optional(Line({ maxLength: 300 })),
          }),
          response: { 200: FileObject, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => scanPipeline.applyExternalResult(requestContext(request), request.params.id, request.body),
    );
  };
}

/**
 * Reads `category` (a field before the file, or the query) and streams the one `file` part into
 * `handle`. Parts after the file are drained so that the request completes.
 */
async function readMultipartUpload(
  request: FastifyRequest,
  queryCategory: string | undefined,
  handle: (upload: StreamedUpload) => Promise<FileView>,
): Promise<FileView> {
  if (!request.isMultipart()) throw badRequest('multipart_required', 'Send the file as multipart/form-data.');
  let category = queryCategory;
  let result: FileView | undefined;
  for await (const part of fingerprinted(request, request.parts())) {
    if (part.type === 'field') {
      if (part.fieldname === 'category' && typeof part.value === 'string') category = part.value;
      continue;
    }
    if (part.fieldname !== 'file' || result) {
      part.file.resume();
      continue;
    }
    if (!category) throw badRequest('category_required', 'Send the `category` field before the file part (or as ?category=).');
    result = await handle({ filename: part.filename, category, body: part.file });
  }
  if (!result) throw badRequest('file_required', 'The request has no `file` part.');
  return result;
}
