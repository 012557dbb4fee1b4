import { expect, it } from 'vitest';
import { isUuid, newId } from '../../src/domain/ids.ts';

it('makes distinct version 7 ids in the order they were made, across refills of the random pool', () => {
  const ids = Array.from({ length: 2000 }, () => newId());
  for (const id of ids) {
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7'); // version
    expect('89ab').toContain(id[19]); // RFC 9562 variant
  }
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
});

it('puts the current time in its first 48 bits', () => {
  const before = Date.now();
  const id = newId();
  const msecs = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  expect(msecs).toBeGreaterThanOrEqual(before);
  expect(msecs).toBeLessThanOrEqual(Date.now() + 1);
});
