import { authorize, type Action, type Actor, type Resource } from '../domain/policy.ts';
import { forbidden, notFound } from '../errors.ts';

/**
 * Asks the access policy and throws its refusal: 404 `not_found` (exactly as for an id that does
 * not exist) when the caller may not even see the resource, 403 `forbidden` when it may see it but
 * not do this. `what` names the resource in the 404's detail ("File", "API key", …).
 *
 * Lives in the services layer so that services and routes share it; routes import it through
 * `src/http/authenticate.ts`.
 */
export function authorizeOrThrow(actor: Actor, action: Action, resource: Resource, what = 'Resource'): void {
  const decision = authorize(actor, action, resource);
  if (decision.allowed) return;
  throw decision.visible ? forbidden(`Not allowed: ${decision.reason}.`) : notFound(what);
}
