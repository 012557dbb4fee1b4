import type { Db } from '../db/database.ts';
import { AppError, conflict } from '../errors.ts';

/** How long the first outcome of a key is kept for its retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/**
 * A first request still marked as running after this long belongs to a process that died (its
 * record was never finished nor dropped): a retry takes the key over. Longer than any upload.
 */
const IN_PROGRESS_LEASE_MS = 60 * 60 * 1000;

/** A stored first outcome, sent back as it was. */
export interface StoredResponse {
  statusCode: number;
  contentType: string;
  body: string;
}

export type Claim = { kind: 'claimed' } | { kind: 'completed'; fingerprint: string | null; response: StoredResponse };

export const idempotencyInProgress = () =>
  conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed: retry once it has finished.');
export const idempotencyKeyReused = () =>
  new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request (another route, caller or body).');

/**
 * The `Idempotency-Key` records (table idempotency_keys). A request claims its key before it runs;
 * a concurrent one with the same key is refused; the outcome is stored when it succeeds, or the
 * claim dropped when it fails (so that a retry runs again). Keys are scoped by caller.
 */
export class IdempotencyKeys {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Claims the key, or returns the outcome its first request stored. Throws 409 while that one runs. */
  async claim(scope: string, key: string, fingerprint: string | null, now = new Date()): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ scope, key, fingerprint, created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { kind: 'claimed' };
      const row = await this.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      if (!row) continue; // purged or dropped meanwhile: claim again
      const expired = row.expires_at <= now;
      const abandoned = row.status_code === null && now.getTime() - row.created_at.getTime() > IN_PROGRESS_LEASE_MS;
      if (expired || abandoned) {
        await this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('created_at', '=', row.created_at).execute();
        continue;
      }
      if (row.status_code === null) throw idempotencyInProgress();
      return {
        kind: 'completed',
        fingerprint: row.fingerprint,
        response: { statusCode: row.status_code, contentType: row.content_type ?? 'application/json', body: row.response_body ?? '' },
      };
    }
    throw idempotencyInProgress();
  }

  /** Stores the outcome of the request that claimed the key. */
  async complete(scope: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ fingerprint, status_code: response.statusCode, content_type: response.contentType, response_body: response.body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }

  /** Drops the claim of a request that failed: a retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('status_code', 'is', null).execute();
  }

  /** Records past their 24 hours. */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** After a crash, when no other process runs: claims of requests that died with it. */
  async releaseAllInProgress(): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('status_code', 'is', null).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
