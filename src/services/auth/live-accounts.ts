import { LRUCache } from 'lru-cache';
import { upTo } from '../cache-bound.ts';
import type { Db } from '../../db/database.ts';

/**
 * Whether an access token's user still has an account. Vitae's access tokens are verified
 * without a query, so a token issued before its account was erased would otherwise keep working
 * until it expires. A user found alive is remembered for `rememberMs`: the process that erases an
 * account forgets it at once, every other process within that time.
 */
export class LiveAccounts {
  private readonly db: Db;
  private readonly alive: LRUCache<string, true>;

  constructor(db: Db, rememberMs = 30_000) {
    this.db = db;
    this.alive = new LRUCache<string, true>({ ...upTo(50_000), ttl: rememberMs });
  }

  async isLive(userId: string): Promise<boolean> {
    if (this.alive.get(userId)) return true;
    const row = await this.db.selectFrom('users').select('id').where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
    if (row) this.alive.set(userId, true);
    return row !== undefined;
  }

  forget(userId: string): void {
    this.alive.delete(userId);
  }
}
