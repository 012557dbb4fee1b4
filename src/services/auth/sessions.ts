import { LRUCache } from 'lru-cache';
import { upTo } from '../cache-bound.ts';
import type { Db, Executor } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';

/**
 * Logins (`auth_sessions`). Each access token names its session in the `sid` claim, and every
 * request with one asks whether the session still holds, so that a logout, or a reused refresh
 * token revoking the login, refuses the access tokens already issued at once instead of letting
 * them run out.
 *
 * The answer is remembered for AUTH_SESSION_CACHE_MS (one second by default; 0 asks every time):
 * a client sends many requests with one token, and one indexed lookup per session per second
 * keeps request rates where verifying the token in memory put them. A revocation made by this
 * process is seen at once; one made by another process within that time.
 */
export class AuthSessions {
  private readonly db: Db;
  private readonly cache: LRUCache<string, boolean> | null;

  constructor(db: Db, cacheMs: number) {
    this.db = db;
    // fetch() shares one lookup between the concurrent requests of a session.
    this.cache = cacheMs > 0 ? new LRUCache<string, boolean>({ ...upTo(50_000), ttl: cacheMs, fetchMethod: (sessionId) => this.lookup(sessionId) }) : null;
  }

  async start(executor: Executor, userId: string): Promise<string> {
    const id = newId();
    await executor.insertInto('auth_sessions').values({ id, user_id: userId }).execute();
    return id;
  }

  /** Idempotent. Call `forget` once the transaction has committed. */
  async revoke(executor: Executor, sessionId: string): Promise<void> {
    await executor.updateTable('auth_sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  }

  /** Drops what this process remembers about the session, so that a revocation applies at once here. */
  forget(sessionId: string): void {
    this.cache?.delete(sessionId);
  }

  async isActive(sessionId: string): Promise<boolean> {
    if (!this.cache) return this.lookup(sessionId);
    return (await this.cache.fetch(sessionId)) ?? false;
  }

  private async lookup(sessionId: string): Promise<boolean> {
    const row = await this.db.selectFrom('auth_sessions').select('revoked_at').where('id', '=', sessionId).executeTakeFirst();
    return row !== undefined && row.revoked_at === null;
  }
}
