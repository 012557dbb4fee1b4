import type { AuditEventRow } from '../../db/schema.ts';
import { createHash } from 'node:crypto';

/** The fields of an audit entry that its hash covers, apart from its position (`seq`). */
export type ChainedFields = Omit<AuditEventRow, 'seq' | 'prev_hash' | 'hash'>;

/**
 * The entry as hashed: canonical JSON with a fixed field order and sorted keys inside `details`,
 * because PostgreSQL's jsonb does not keep key order.
 */
export function canonicalEntry(entry: ChainedFields): string {
  return JSON.stringify([
    entry.id,
    entry.chain,
    entry.at.toISOString(),
    entry.actor_id,
    entry.actor_type,
    entry.action,
    entry.outcome,
    entry.org_id,
    entry.file_id,
    entry.resource_type,
    entry.resource_id,
    entry.ip,
    entry.user_agent,
    entry.request_id,
    sortKeys(entry.details),
  ]);
}

/**
 * hash = sha256(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ canonical entry), hex. Appends compute the same
 * thing in SQL (`audit_append`, migration 0019), so the two must stay identical.
 */
export function entryHash(prevHash: string, seq: number, canonical: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n`).update(canonical).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Each organization's trail is kept as a few parallel chains (`org:<id>/<lane>`), so that
 * concurrent writers of one busy organization do not all queue on one lock: an append locks only
 * its lane's head. Every entry still carries the hash of the previous entry of its lane, and
 * verification walks every lane.
 */
export const CHAIN_LANES = 8;

/**
 * The chains of an entry: its organization's, else its subject user's (e.g. a candidate's file),
 * else the system's. The lanes of a group are `<group>/<lane>`.
 */
export function chainGroup(orgId: string | null, userId: string | null): string {
  if (orgId) return `org:${orgId}`;
  if (userId) return `user:${userId}`;
  return 'system';
}

/** One lane of a chain group. */
export const chainFor = (group: string, lane: number) => `${group}/${lane}`;

/** The prefix shared by every lane of an organization's chains. */
export const orgChainPrefix = (orgId: string) => `org:${orgId}/`;
