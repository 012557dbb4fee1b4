import type { Actor } from '../domain/policy.ts';
import type { AuditContext } from './audit/audit-log.ts';

/** Who is calling, for authorization and for the audit trail. Built by the HTTP layer per request. */
export interface RequestContext {
  actor: Actor;
  audit: AuditContext;
}
