import { authorize, type Action, type Actor, type Decision, type Resource } from '../domain/policy.ts';
import { forbidden, notFound, type AppError } from '../errors.ts';

/**
 * The answer to a refusal of the access policy: 404 `not_found` (exactly as for an id that does
 * not exist) when the caller may not even see the resource, 403 `forbidden` when it may see it but
 * not do this. `what` names the resource in the 404's detail ("File", "API key", …).
 */
export function refusal(decision: Extract<Decision, { allowed: false }>, what: string): AppError {
  return decision.visible ? forbidden(`Not allowed: ${decision.reason}.`) : notFound(what);
}

/** Returns when the decision allows, else throws its refusal. */
export function enforce(decision: Decision, what: string): void {
  if (!decision.allowed) throw refusal(decision, what);
}

/**
 * Asks the access policy and throws its refusal (see `refusal`).
 *
 * Lives in the services layer so that services and routes share it; routes import it through
 * `src/http/authenticate.ts`.
 */
export function authorizeOrThrow(actor: Actor, action: Action, resource: Resource, what = 'Resource'): void {
  enforce(authorize(actor, action, resource), what);
}
