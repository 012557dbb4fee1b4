import { AppError } from '../errors.ts';
import { isUuid } from './ids.ts';

/**
 * Where a page ended in a list ordered newest first by (timestamp, id). `at` is the timestamp
 * exactly as PostgreSQL holds it (ISO 8601 in UTC, with microseconds when the column has them):
 * a JavaScript Date would round it to the millisecond and lose rows of the same millisecond.
 */
export interface Cursor {
  at: string;
  id: string;
}

/** One page of a list and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** An ISO 8601 UTC timestamp to the millisecond (captured), optionally with three more digits (microseconds). */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(\d{3})?Z$/;

/**
 * Opaque keyset cursors over (timestamp, id), newest first: stable under inserts, unlike
 * offsets. Opaque (base64url of a JSON pair) so clients don't build them and we may change them.
 */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/** Refuses, with 400 `invalid_cursor`, anything that is not exactly what `encodeCursor` makes. */
export function decodeCursor(raw: string): Cursor {
  const invalid = new AppError(400, 'invalid_cursor', 'The cursor is not one this API returned.');
  // Node's base64url decoder skips characters it does not know: check the alphabet first.
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid;
  const [at, id] = parsed as [unknown, unknown];
  if (typeof at !== 'string' || !isUuid(id)) throw invalid;
  // Round-trip the millisecond part: the pattern alone accepts month 13 or February 30.
  const millis = TIMESTAMP.exec(at)?.[1];
  const date = millis === undefined ? null : new Date(`${millis}Z`);
  if (!date || Number.isNaN(date.getTime()) || date.toISOString() !== `${millis}Z`) throw invalid;
  return { at, id };
}

/**
 * Cuts a page from rows fetched one beyond `limit` (a full page plus the proof that more follow);
 * `cursorOf` names where the page's last row sits.
 */
export function slicePage<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): Page<T> {
  const items = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
