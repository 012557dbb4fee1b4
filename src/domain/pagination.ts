import { AppError } from '../errors.ts';
import { isUuid } from './ids.ts';

export interface Cursor {
  createdAt: Date;
  id: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/**
 * Opaque keyset cursors over (created_at, id), newest first: stable under inserts, unlike
 * offsets. Opaque (base64url of a JSON pair) so clients don't build them and we may change them.
 */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
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
  const [createdAt, id] = parsed as [unknown, unknown];
  if (typeof createdAt !== 'string' || !isUuid(id)) throw invalid;
  const date = new Date(createdAt);
  // Round-trip: `new Date` accepts many loose formats; only our own ISO form is a cursor.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw invalid;
  return { createdAt: date, id };
}

/** `?limit=`: default 50, clamped to 1..200; anything unreadable gets the default. */
export function clampLimit(raw: unknown): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(value)));
}
