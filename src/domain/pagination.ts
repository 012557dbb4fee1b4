import { AppError } from '../errors.ts';

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque keyset cursors over (created_at, id), newest first: stable under inserts. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('shape');
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime())) throw new Error('date');
    return { createdAt: date, id };
  } catch {
    throw new AppError(400, 'invalid_cursor', 'The cursor is not one this API returned.');
  }
}
