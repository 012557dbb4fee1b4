import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';

export interface CounterState {
  /** Hits counted in the current window. */
  count: number;
  /** When the current window ends (the counter starts again from zero). */
  resetAt: Date;
}

/**
 * Fixed-window counters kept in PostgreSQL (the UNLOGGED `rate_counters` table), so that every API
 * process and worker on one database counts against the same limit. A window starts at its first
 * hit and lasts `windowMs`. Each operation is one statement: an upsert that either starts a new
 * window or adds to the current one, so concurrent hits from several processes never lose a count.
 * Keys are stored as hashes: they may name an address or an account.
 */
export class RateCounters {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Counts one hit, whatever the limit (the caller compares); the state after it. */
  async hit(key: string, windowMs: number, executor: Executor = this.db): Promise<CounterState> {
    const row = await sql<{ count: number; expires_at: Date }>`
      INSERT INTO rate_counters AS c (key, count, expires_at)
      VALUES (${hashKey(key)}, 1, now() + ${windowMs} * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
        expires_at = CASE WHEN c.expires_at <= now() THEN excluded.expires_at ELSE c.expires_at END
      RETURNING count, expires_at`
      .execute(executor)
      .then((result) => result.rows[0]!);
    return { count: row.count, resetAt: row.expires_at };
  }

  /**
   * Counts one hit only while the window has fewer than `limit`: `allowed` false (and nothing
   * counted) once it is spent. The state is the one after the hit, or the spent window's.
   */
  async take(key: string, windowMs: number, limit: number, executor: Executor = this.db): Promise<CounterState & { allowed: boolean }> {
    const hashed = hashKey(key);
    const row = await sql<{ count: number; expires_at: Date }>`
      INSERT INTO rate_counters AS c (key, count, expires_at)
      VALUES (${hashed}, 1, now() + ${windowMs} * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
        expires_at = CASE WHEN c.expires_at <= now() THEN excluded.expires_at ELSE c.expires_at END
      WHERE c.expires_at <= now() OR c.count < ${limit}
      RETURNING count, expires_at`
      .execute(executor)
      .then((result) => result.rows[0]);
    if (row && row.count <= limit) return { allowed: true, count: row.count, resetAt: row.expires_at };
    const spent = await this.peek(key, executor);
    return { allowed: false, count: spent.count, resetAt: spent.resetAt };
  }

  /** The current window's count without counting (0 and now when there is none). */
  async peek(key: string, executor: Executor = this.db): Promise<CounterState> {
    const row = await executor
      .selectFrom('rate_counters')
      .select(['count', 'expires_at'])
      .where('key', '=', hashKey(key))
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { count: row.count, resetAt: row.expires_at } : { count: 0, resetAt: new Date() };
  }

  /** Removes the windows that have ended (they would start again at their next hit anyway). */
  async purgeExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('rate_counters')
      .where('expires_at', '<=', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('base64url');
