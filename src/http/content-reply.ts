import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentResponse } from '../services/files/files.ts';
import { sendProblem } from './problems.ts';

/** The conditional and range headers of a request for file bytes. */
export function contentRequest(request: FastifyRequest): { range?: string; ifNoneMatch?: string; head: boolean } {
  return {
    ...(typeof request.headers.range === 'string' ? { range: request.headers.range } : {}),
    ...(typeof request.headers['if-none-match'] === 'string' ? { ifNoneMatch: request.headers['if-none-match'] } : {}),
    head: request.method === 'HEAD',
  };
}

/** Sends file bytes (200/206), a 304, a 416 problem, or the headers alone for HEAD. */
export function sendContent(request: FastifyRequest, reply: FastifyReply, result: ContentResponse): FastifyReply {
  if (request.method === 'HEAD') {
    // Fastify would replace the Content-Length of an empty HEAD reply with 0: answer directly, with
    // the headers every reply carries (request id, security headers).
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.raw.writeHead(result.status, result.headers);
    reply.raw.end();
    return reply;
  }
  if (result.status === 416) {
    reply.header('content-range', result.headers['content-range']!);
    return sendProblem(request, reply, 416, 'range_not_satisfiable', 'The requested range is beyond the end of the file.');
  }
  return reply
    .code(result.status)
    .headers(result.headers)
    .send(result.body ?? undefined);
}
