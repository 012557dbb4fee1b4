import { describe, expect, it } from 'vitest';
import { isUuid, newId } from '../../src/domain/ids.ts';
import { clampLimit, decodeCursor, encodeCursor } from '../../src/domain/pagination.ts';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const ID = '01a20335-98fe-714f-b347-ad7e43259d36';
const AT = '2026-01-02T03:04:05.678Z';

describe('cursors', () => {
  it.each([new Date(AT), new Date(0), new Date('1999-12-31T23:59:59.999Z')])('round-trips %s', (createdAt) => {
    const cursor = { createdAt, id: newId() };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
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
    ['a loose date', b64(['January 2, 2026', ID])],
    ['an SQL injection for the id', b64([AT, "' OR 1=1 --"])],
    ['far too long', 'a'.repeat(10_000)],
  ])('refuses %s with 400 invalid_cursor', (_name, raw) => {
    expect(() => decodeCursor(raw)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_cursor' }));
  });
});

describe('limits', () => {
  it.each([
    [undefined, 50],
    [null, 50],
    ['', 50],
    ['abc', 50],
    [Number.NaN, 50],
    [{}, 50],
    [1, 1],
    [0, 1],
    [-5, 1],
    ['20', 20],
    [20.9, 20],
    [200, 200],
    [201, 200],
    ['1e9', 200],
    [Number.POSITIVE_INFINITY, 50],
  ])('%j → %i', (raw, expected) => {
    expect(clampLimit(raw)).toBe(expected);
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
