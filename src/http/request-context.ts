import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../services/audit/audit-log.ts';
import type { RequestContext } from '../services/context.ts';
import { requireActor } from './authenticate.ts';

/** The caller (401 when anonymous) and what the audit trail records about the request. */
export function requestContext(request: FastifyRequest): RequestContext {
  const actor = requireActor(request);
  return { actor, audit: auditContextOf(request) };
}

/** What the audit trail records about a request: its caller when one was recognized (else anonymous), address, agent and id. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  const { actor } = request;
  const userAgent = request.headers['user-agent'];
  return {
    actorId: actor ? (actor.kind === 'user' ? actor.userId : actor.keyId) : null,
    actorType: actor ? actor.kind : 'anonymous',
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
    requestId: String(request.id),
  };
}
