import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUuid, newId } from '../../src/domain/ids.ts';
import { decodeCursor, encodeCursor, slicePage } from '../../src/domain/pagination.ts';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const ID = '01a20335-98fe-714f-b347-ad7e43259d36';
const AT = '2026-01-02T03:04:05.678Z';

/** Timestamps as PostgreSQL prints them for a cursor: milliseconds, or microseconds. */
const timestamp = fc
  .tuple(
    fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.option(fc.integer({ min: 0, max: 999 })),
  )
  .map(([date, micros]) => (micros === null ? date.toISOString() : date.toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`)));

describe('cursors', () => {
  it('round-trip every timestamp and id, as an opaque base64url string', () => {
    fc.assert(
      fc.property(timestamp, fc.uuid(), (at, id) => {
        const encoded = encodeCursor({ at, id });
        expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(encoded)).toEqual({ at, id });
      }),
    );
  });

  it('refuse anything else with 400 invalid_cursor, and never fail otherwise', () => {
    const json = fc.oneof(fc.jsonValue(), fc.tuple(fc.oneof(timestamp, fc.string(), fc.integer()), fc.oneof(fc.uuid(), fc.string())));
    const raw = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      json.map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
    );
    fc.assert(
      fc.property(raw, (input) => {
        let decoded;
        try {
          decoded = decodeCursor(input);
        } catch (error) {
          expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' });
          return;
        }
        // Accepted: only what encodeCursor itself makes.
        expect(encodeCursor(decoded)).toBe(input);
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['garbage', 'garbage'],
    ['not base64url', '!!!!'],
    ['standard base64 with padding', Buffer.from(JSON.stringify([AT, ID])).toString('base64')],
    ['base64url of a valid cursor with a junk character', `${b64([AT, ID])}*`],
    ['not JSON', b64('hello')],
    ['an object', b64({ createdAt: AT, id: ID })],
    ['one element', b64([AT])],
    ['three elements', b64([AT, ID, 1])],
    ['not a uuid', b64(['x', 'y'])],
    ['a number for the date', b64([0, ID])],
    ['an invalid date', b64(['2026-13-45T00:00:00.000Z', ID])],
    ['an invalid date with microseconds', b64(['2026-02-30T00:00:00.000123Z', ID])],
    ['a loose date', b64(['January 2, 2026', ID])],
    ['a date without milliseconds', b64(['2026-01-02T03:04:05Z', ID])],
    ['nanoseconds', b64(['2026-01-02T03:04:05.678901234Z', ID])],
    ['an offset instead of UTC', b64(['2026-01-02T03:04:05.678+01:00', ID])],
    ['an SQL injection for the id', b64([AT, "' OR 1=1 --"])],
    ['far too long', 'a'.repeat(10_000)],
  ])('refuses %s with 400 invalid_cursor', (_name, raw) => {
    expect(() => decodeCursor(raw)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_cursor' }));
  });
});

describe('page slices', () => {
  it('keep the first `limit` rows and point the next page at the last of them, only when more follow', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (ids, limit) => {
        const page = slicePage(ids, limit, (id) => ({ at: AT, id }));
        expect(page.items).toEqual(ids.slice(0, limit));
        expect(page.next_cursor).toBe(ids.length > limit ? encodeCursor({ at: AT, id: ids[limit - 1]! }) : null);
      }),
    );
  });
});

describe('ids', () => {
  it('makes time-ordered UUIDv7s', () => {
    const ids = Array.from({ length: 100 }, () => newId());
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(100);
  });

  it.each([
    [ID, true],
    [ID.toUpperCase(), true],
    ['00000000-0000-0000-0000-000000000000', true],
    [ID.replaceAll('-', ''), false],
    [`{${ID}}`, false],
    [`${ID} `, false],
    ['not-a-uuid', false],
    [42, false],
    [null, false],
  ])('isUuid(%j) → %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
