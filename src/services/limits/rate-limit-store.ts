import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateCounters } from './rate-counters.ts';

/**
 * A store for @fastify/rate-limit that keeps its counters in PostgreSQL (`RateCounters`), so that
 * every API process on one database counts against the same limits: two processes allow what one
 * allows. The window is part of the key, so limiters with different windows never share a counter.
 */
export function sharedRateLimitStore(counters: RateCounters): FastifyRateLimitStoreCtor {
  class SharedStore implements FastifyRateLimitStore {
    constructor(_options?: FastifyRateLimitOptions) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counters.hit(`rate-limit:${timeWindow}:${key}`, timeWindow).then(
        (state) => callback(null, { current: state.count, ttl: Math.max(0, state.resetAt.getTime() - Date.now()) }),
        (error: Error) => callback(error),
      );
    }

    child(): FastifyRateLimitStore {
      return new SharedStore();
    }
  }
  return SharedStore;
}
