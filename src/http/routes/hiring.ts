import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import { badRequest } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import type { IntakeResult as IntakeResultValue } from '../../services/hiring/candidates.ts';
import { contentRequest, sendContent } from '../content-reply.ts';
import { fingerprinted, IdempotencyHeaders, idempotent } from '../idempotency.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Line, MAX_OFFSET, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import { Application, Candidate, CandidateUpdate, IntakeResult, Job, JobCreate, JobUpdate, MyApplication } from '../schemas/hiring.ts';

const tags = ['hiring'];
/** A bulk request may carry many files; each resume is still held to its category's limit while streaming. */
const BULK_LIMITS = { files: 500, fileSize: 200 * 1024 * 1024, parts: 1000, fields: 10 };

/** Jobs, candidates (single and bulk intake, ranked lists, search) and applications. */
export function hiringRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { jobs, candidates, bulkIntake } = services;
  const idempotency = idempotent(services.idempotency);
  const bulkIdempotency = idempotent(services.idempotency, { multipartLimits: { limits: BULK_LIMITS } });

  return async (app) => {
    app.post(
      '/jobs',
      { schema: { tags, summary: 'Create a job', body: JobCreate, response: { 201: Job, ...problemResponses(400, 401, 403) } } },
      async (request, reply) => {
        reply.code(201);
        return jobs.create(requestContext(request), request.body);
      },
    );

    app.get(
      '/jobs',
      {
        schema: {
          tags,
          summary: "Recruiters: their organization's jobs; candidates: open jobs of every organization",
          querystring: Type.Object({ ...Pagination, status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) }),
          response: { 200: Page(Job), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit = 50, cursor, status } = request.query;
        return jobs.list(requestContext(request), { limit, ...(cursor ? { cursor } : {}) }, status ? { status } : {});
      },
    );

    app.get('/jobs/:id', { schema: { tags, summary: 'A job', params: IdParams, response: { 200: Job, ...problemResponses(401, 404) } } }, async (request) =>
      jobs.get(requestContext(request), request.params.id),
    );

    app.patch(
      '/jobs/:id',
      {
        schema: {
          tags,
          summary: 'Update a job (changing its description or skills re-scores its candidates)',
          params: IdParams,
          body: JobUpdate,
          response: { 200: Job, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => jobs.update(requestContext(request), request.params.id, request.body),
    );

    app.delete(
      '/jobs/:id',
      { schema: { tags, summary: 'Close and remove a job', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } },
      async (request, reply) => {
        await jobs.delete(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/jobs/:id/candidates',
      {
        schema: {
          tags,
          summary: 'Add one resume (multipart `file`); parsing and scoring run in the background',
          params: IdParams,
          headers: IdempotencyHeaders,
          consumes: ['multipart/form-data'],
          response: {
            202: Candidate,
            200: Type.Object({ duplicate_of: Uuid, filename: Type.String() }),
            ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429),
          },
        },
        ...idempotency,
      },
      async (request, reply) => {
        const ctx = requestContext(request);
        const { id } = request.params;
        if (!request.isMultipart()) throw badRequest('multipart_required', 'Send the resume as multipart/form-data.');
        let result: Awaited<ReturnType<typeof candidates.intake>> | undefined;
        // The first file is the resume; the rest of the body is read too (and so is part of an Idempotency-Key's fingerprint).
        for await (const part of fingerprinted(request, request.parts())) {
          if (part.type !== 'file') continue;
          if (result) for await (const _chunk of part.file);
          else result = await candidates.intake(ctx, id, { filename: part.filename, body: part.file });
        }
        if (!result) throw badRequest('file_required', 'The request has no `file` part.');
        if ('duplicate_of' in result) return reply.code(200).send({ duplicate_of: result.duplicate_of, filename: result.filename });
        return reply.code(202).send(result.candidate);
      },
    );

    app.post(
      '/jobs/:id/candidates/bulk',
      {
        schema: {
          tags,
          summary: 'Add many resumes and/or ZIP archives of resumes in one streamed request',
          description:
            'One result per file (per archive entry for ZIPs); one bad file never fails the others. The same resume twice in a job is reported as `duplicate_of`. The organization’s quotas apply to each file (its result then has the error `storage_quota_exceeded` or `upload_rate_exceeded`); a request made when the storage is already full or the hour’s uploads are spent is refused whole, before its body is read: 413 `storage_quota_exceeded`, 429 `upload_rate_exceeded`.',
          params: IdParams,
          headers: IdempotencyHeaders,
          consumes: ['multipart/form-data'],
          response: { 200: Type.Object({ results: Type.Array(IntakeResult) }), ...problemResponses(400, 401, 404, 409, 413, 422, 429) },
        },
        ...bulkIdempotency,
      },
      async (request) => {
        const ctx = requestContext(request);
        const { id } = request.params;
        await jobs.load(ctx, id, 'candidate.create');
        if (!request.isMultipart()) throw badRequest('multipart_required', 'Send the resumes as multipart/form-data.');
        await services.uploads.assertRoom(ctx, 'resume');
        const results: IntakeResultValue[] = [];
        for await (const part of fingerprinted(request, request.parts({ limits: BULK_LIMITS }))) {
          if (part.type !== 'file') continue;
          results.push(...(await bulkIntake.intakePart(ctx, id, { filename: part.filename, stream: part.file })));
        }
        return { results };
      },
    );

    app.get(
      '/jobs/:id/candidates',
      {
        schema: {
          tags,
          summary: 'Candidates of a job, best score first',
          params: IdParams,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            offset: Type.Optional(
              Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'At most 1,000,000; narrow the list with filters instead.' }),
            ),
            sort: Type.Optional(Type.Literal('-score', { default: '-score' })),
            status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('parsing'), Type.Literal('scored'), Type.Literal('failed')])),
            skill: Type.Optional(Line({ maxLength: 100 })),
            q: Type.Optional(Line({ maxLength: 500, description: 'Full-text search over the resume text.' })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Candidate), next_offset: Type.Union([Type.Integer(), Type.Null()]) }),
            ...problemResponses(400, 401, 404),
          },
        },
      },
      async (request) => {
        const { limit = 50, offset = 0, status, skill, q } = request.query;
        const items = await candidates.list(
          requestContext(request),
          request.params.id,
          { ...(status ? { status } : {}), ...(skill ? { skill } : {}), ...(q ? { q } : {}) },
          { limit: limit + 1, offset },
        );
        return { items: items.slice(0, limit), next_offset: items.length > limit ? offset + limit : null };
      },
    );

    app.get(
      '/candidates/:id',
      {
        schema: {
          tags,
          summary: 'A candidate: parsed fields, score and its breakdown',
          params: IdParams,
          response: { 200: Candidate, ...problemResponses(401, 404) },
        },
      },
      async (request) => candidates.get(requestContext(request), request.params.id),
    );

    app.get(
      '/candidates/:id/file',
      {
        schema: {
          tags,
          summary: "The candidate's resume, streamed",
          params: IdParams,
          produces: ['application/octet-stream'],
          response: problemResponses(401, 404, 416, 423),
        },
      },
      async (request, reply) => {
        const result = await candidates.file(requestContext(request), request.params.id, contentRequest(request));
        return sendContent(request, reply, result);
      },
    );

    app.delete(
      '/candidates/:id',
      {
        schema: {
          tags,
          summary: 'Remove a candidate (and a recruiter-uploaded resume)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await candidates.delete(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.patch(
      '/candidates/:id',
      {
        schema: {
          tags,
          summary: 'Reject a candidate, or take the rejection back',
          description:
            'Recruiters, or an API key with `candidates:write`. A rejected candidate is erased when the organization’s retention for rejected candidates (`rejected_retention_days`) has passed since `rejected_at`.',
          params: IdParams,
          body: CandidateUpdate,
          response: { 200: Candidate, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => candidates.decide(requestContext(request), request.params.id, request.body),
    );

    app.post(
      '/jobs/:id/applications',
      {
        schema: {
          tags,
          summary: 'Apply with your own clean resume (and cover letter): shares them with the job’s organization',
          description:
            'When the organization has published a privacy notice (`GET /jobs/{id}/privacy-notice`), `privacy_notice_id` must name its current version: the application records that the candidate was shown it, and when. 409 `privacy_notice_required` without it, `privacy_notice_outdated` for an older version; 400 `invalid_privacy_notice` for an id that is not the organization’s.',
          params: IdParams,
          body: Type.Object({
            resume_file_id: Uuid,
            cover_letter_file_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
            privacy_notice_id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The privacy notice version shown to the candidate.' })),
          }),
          response: { 201: Application, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return candidates.apply(requestContext(request), request.params.id, request.body);
      },
    );

    app.get(
      '/applications',
      {
        schema: {
          tags,
          summary: "The caller's live applications (candidates)",
          response: { 200: Type.Object({ items: Type.Array(MyApplication) }), ...problemResponses(401, 403) },
        },
      },
      async (request) => ({
        items: await candidates.myApplications(requestContext(request)),
      }),
    );

    app.delete(
      '/applications/:id',
      {
        schema: {
          tags,
          summary: 'Withdraw an application: the organization’s access to the files ends',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 404) },
        },
      },
      async (request, reply) => {
        await candidates.withdraw(requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
