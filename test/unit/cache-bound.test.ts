import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { upTo } from '../../src/services/cache-bound.ts';

describe('upTo (a bounded cache without its entries allocated up front)', () => {
  it('keeps at most that many entries, evicting the least recently used', () => {
    const cache = new LRUCache<string, number>(upTo(3));
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.get('a');
    cache.set('d', 1);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['k97', 'k98', 'k99']);
  });

  it('holds with a TTL and a fetch method, as the session and quota caches use it', async () => {
    const cache = new LRUCache<string, string>({ ...upTo(2), ttl: 60_000, fetchMethod: async (key) => key.toUpperCase() });
    expect(await cache.fetch('a')).toBe('A');
    await cache.fetch('b');
    await cache.fetch('c');
    expect([...cache.keys()].sort()).toEqual(['b', 'c']);
    expect(cache.get('c')).toBe('C');
  });
});
