import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * Random bytes for ids come from a pool refilled every 256 ids: uuid's v7() alone asks the system
 * for 16 bytes per id (crypto.getRandomValues, a few µs each), and a request makes several ids.
 */
const POOL_BYTES = 16 * 256;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;
/** The last id's time and counter, kept as uuid's v7() keeps them, so that ids stay ordered by creation. */
const last = { msecs: -Infinity, seq: 0 };

/** Time-ordered UUIDv7: index-friendly and sortable by creation. */
export function newId(): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, (used += 16));
  const now = Date.now();
  if (now > last.msecs) {
    // A new millisecond starts the 31-bit counter at a random value (RFC 9562, method 1 with a random seed).
    last.msecs = now;
    last.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    last.seq = (last.seq + 1) | 0;
    // The counter wrapped: borrow the next millisecond, so the order holds.
    if (last.seq === 0) last.msecs += 1;
  }
  return v7({ random, msecs: last.msecs, seq: last.seq });
}

/** Any RFC 9562 UUID in its canonical 8-4-4-4-12 hex form (ids of any version are accepted). */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);
