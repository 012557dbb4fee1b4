import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../services/context.ts';
import { requireActor } from './authenticate.ts';

/** The caller (401 when anonymous) and what the audit trail records about the request. */
export function requestContext(request: FastifyRequest): RequestContext {
  const actor = requireActor(request);
  const userAgent = request.headers['user-agent'];
  return {
    actor,
    audit: {
      actorId: actor.kind === 'user' ? actor.userId : actor.keyId,
      actorType: actor.kind,
      ip: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
      requestId: String(request.id),
    },
  };
}
