import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../schemas/json-schema.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { IdParams, Page, Pagination, problemResponses, Uuid } from '../schemas/common.ts';
import {
  PrivacyNotice,
  PrivacyNoticeBody,
  RetentionPreview,
  RetentionSettings,
  RetentionUpdate,
  SubjectRequest,
  SubjectRequestBody,
} from '../schemas/privacy.ts';

const tags = ['personal data'];
const OrgParams = Type.Object({ org_id: Uuid });
const RequestParams = Type.Object({ org_id: Uuid, request_id: Uuid });
const WHO = 'Org admins, or an API key with the scope `subjects:write`; another organization’s id answers 404.';

/** An organization's privacy duties: subject requests for people without an account, retention of candidates. */
export function privacyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { subjectRequests, retention, notices, jobs } = services;
  return async (app) => {
    app.post(
      '/orgs/:org_id/subject-requests',
      {
        schema: {
          tags,
          summary: 'File a subject request (export or erase one person)',
          description: `${WHO} Finds every live candidate of the organization, across all jobs, whose parsed email (or phone) matches, and lists them; nothing is exported or erased until \`POST …/{id}/confirm\`. 400 \`invalid_email\`, \`invalid_phone\`.`,
          params: OrgParams,
          body: SubjectRequestBody,
          response: { 201: SubjectRequest, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { org_id } = request.params;
        const body = request.body;
        reply.code(201);
        return subjectRequests.create(requestContext(request), org_id, body);
      },
    );

    app.get(
      '/orgs/:org_id/subject-requests',
      {
        schema: {
          tags,
          summary: 'The organization’s subject requests, newest first',
          description: WHO,
          params: OrgParams,
          querystring: Type.Object(Pagination),
          response: { 200: Page(SubjectRequest), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        return subjectRequests.list(requestContext(request), request.params.org_id, { limit, ...(cursor ? { cursor } : {}) });
      },
    );

    app.get(
      '/orgs/:org_id/subject-requests/:request_id',
      {
        schema: {
          tags,
          summary: 'One subject request: its matches, and once completed its report (and the export’s download URL)',
          description: WHO,
          params: RequestParams,
          response: { 200: SubjectRequest, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const { org_id, request_id } = request.params;
        return subjectRequests.get(requestContext(request), org_id, request_id);
      },
    );

    app.post(
      '/orgs/:org_id/subject-requests/:request_id/confirm',
      {
        schema: {
          tags,
          summary: 'Carry out a subject request',
          description: `${WHO} Exports or erases every listed candidate in the background (202; poll the request until \`completed\`). Erasing scrubs each candidate’s parsed data, ends its application, and erases the organization’s copy of the resume with every version and quarantined copy; a candidate’s own file shared by applying stays theirs. 409 \`subject_request_not_pending\` when confirmed already.`,
          params: RequestParams,
          response: { 202: SubjectRequest, ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { org_id, request_id } = request.params;
        reply.code(202);
        return subjectRequests.confirm(requestContext(request), org_id, request_id);
      },
    );

    app.get(
      '/orgs/:org_id/retention',
      {
        schema: {
          tags,
          summary: 'The organization’s retention settings',
          description: 'Org admins; another organization’s id answers 404.',
          params: OrgParams,
          response: { 200: RetentionSettings, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => retention.settings(requestContext(request), request.params.org_id),
    );

    app.patch(
      '/orgs/:org_id/retention',
      {
        schema: {
          tags,
          summary: 'Change the organization’s retention settings',
          description: 'Org admins. The daily retention run (`retention.run`) erases what falls due; see the preview first. Audited as `retention.updated`.',
          params: OrgParams,
          body: RetentionUpdate,
          response: { 200: RetentionSettings, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => retention.update(requestContext(request), request.params.org_id, request.body),
    );

    app.get(
      '/orgs/:org_id/retention/preview',
      {
        schema: {
          tags,
          summary: 'What the next retention run will erase',
          description:
            'Org admins. `due`: the candidates a run at `at` (now by default) erases, by the same query the run uses; `upcoming`: those falling due within `notice_days` after it.',
          params: OrgParams,
          querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', description: 'Preview a run at this time instead of now.' })) }),
          response: { 200: RetentionPreview, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { at } = request.query;
        return retention.preview(requestContext(request), request.params.org_id, at ? new Date(at) : new Date());
      },
    );

    app.post(
      '/orgs/:org_id/privacy-notices',
      {
        schema: {
          tags,
          summary: 'Publish a new version of the organization’s privacy notice',
          description:
            'Org admins. A text, a URL, or both (400 `empty_notice` with neither); the new version becomes the current one, shown to candidates before they apply. Audited as `privacy_notice.published`.',
          params: OrgParams,
          body: PrivacyNoticeBody,
          response: { 201: PrivacyNotice, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        reply.code(201);
        return notices.publish(requestContext(request), request.params.org_id, request.body);
      },
    );

    app.get(
      '/orgs/:org_id/privacy-notices',
      {
        schema: {
          tags,
          summary: 'Every version of the organization’s privacy notice, newest (current) first',
          description: 'Org admins.',
          params: OrgParams,
          response: { 200: Type.Object({ items: Type.Array(PrivacyNotice) }), ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => ({ items: await notices.list(requestContext(request), request.params.org_id) }),
    );

    app.get(
      '/jobs/:id/privacy-notice',
      {
        schema: {
          tags,
          summary: 'The privacy notice to show before applying to a job',
          description:
            'Anyone who may see the job. `notice` is the current version of the job’s organization’s notice, or null when it has published none; send its id as `privacy_notice_id` when applying.',
          params: IdParams,
          response: { 200: Type.Object({ notice: Type.Union([PrivacyNotice, Type.Null()]) }), ...problemResponses(401, 404) },
        },
      },
      async (request) => {
        const job = await jobs.load(requestContext(request), request.params.id, 'job.read');
        return { notice: await notices.current(job.org_id) };
      },
    );
  };
}
