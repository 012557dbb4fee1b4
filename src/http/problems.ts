import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../errors.ts';
import { databaseUnavailable, isDatabaseUnavailable } from '../db/database.ts';
import { drainBody } from './linger.ts';
import { isMalformedMultipart } from './malformed-multipart.ts';
import { PATTERN_MEANINGS } from './schemas/common.ts';

/** An RFC 9457 problem document, with Vitae's stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
}

const problemType = (code: string) => `urn:vitae:problem:${code}`;

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  retryAfter?: number,
  extensions?: Record<string, unknown>,
): FastifyReply {
  const problem: Problem = {
    ...extensions,
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    request_id: String(request.id),
  };
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  // Refused before the body was read (a size limit mid-upload): the rest of the body must not be
  // parsed as the next request on this connection, so close it.
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.code(status).type('application/problem+json').send(problem);
}

/** Maps Fastify's own errors (schema, body parsing, limits) to stable codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
  FST_ERR_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'Expected multipart/form-data.' },
  FST_PARTS_LIMIT: { status: 413, code: 'too_many_parts' },
  FST_FILES_LIMIT: { status: 413, code: 'too_many_files' },
  FST_FIELDS_LIMIT: { status: 413, code: 'too_many_fields' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'file_too_large' },
  FST_PROTO_VIOLATION: { status: 400, code: 'malformed_body' },
};

/**
 * Every error as a problem document. A request refused before its body was read (too large, bad
 * type) is answered once the rest of the body has been discarded, then the connection closes, so
 * that clients still sending see the answer rather than a reset.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> {
  const body = request.raw;
  if (!body.complete && !body.destroyed && !body.readableEnded) {
    reply.header('connection', 'close');
    return drainBody(request).then(() => answerError(error, request, reply));
  }
  return answerError(error, request, reply);
}

function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isMalformedMultipart(error))
    return sendProblem(request, reply, 400, 'malformed_multipart', 'The multipart body has no boundary or ends before its last part.');
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.warn({ err: error }, 'dependency unavailable');
    return sendProblem(request, reply, error.status, error.code, error.message, error.retryAfter, error.extensions);
  }
  if (error.validation) {
    return sendProblem(request, reply, 400, 'validation_failed', describeValidation(error));
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return sendProblem(request, reply, known.status, known.code, known.detail ?? error.message);
  if (error.statusCode === 429) {
    return sendProblem(request, reply, 429, 'rate_limited', 'Too many requests; retry later.', Number(reply.getHeader('retry-after')) || 60);
  }
  if (isDatabaseUnavailable(error)) {
    const unavailable = databaseUnavailable(error);
    request.log.warn({ err: error }, 'database unavailable');
    return sendProblem(request, reply, 503, unavailable.code, unavailable.message, unavailable.retryAfter);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(request, reply, error.statusCode, (error.code ?? 'bad_request').toLowerCase(), error.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(request, reply, 500, 'internal_error', 'An unexpected error occurred.');
}

function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = error.validationContext ?? 'request';
  const path = first.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
  const params = first.params as { missingProperty?: string; pattern?: string } | undefined;
  const field = params?.missingProperty ?? path;
  const message = (params?.pattern !== undefined ? PATTERN_MEANINGS[params.pattern] : undefined) ?? first.message ?? 'is invalid';
  return `${where}${field ? `.${field}` : ''} ${message}`;
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(request, reply, 404, 'route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`);
}
