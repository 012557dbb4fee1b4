import type { Actor } from '../../domain/policy.ts';
import { forbidden } from '../../errors.ts';

/**
 * Exports and account erasure are for a signed-in candidate acting on their own account. A
 * recruiter's files belong to their organization, and an API key is nobody's account.
 */
export function requireCandidate(actor: Actor): string {
  if (actor.kind !== 'user' || actor.role !== 'candidate') throw forbidden('Only a candidate can export or erase their own account.');
  return actor.userId;
}
