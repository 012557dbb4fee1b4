/**
 * lru-cache options that bound a cache to `entries` entries without allocating them up front. With
 * `max`, lru-cache allocates its arrays for every entry when the cache is created (1.6 MB for
 * 50,000 entries with a TTL), held for the life of the process however few entries are ever used.
 * Bounded by size instead, each entry counting 1, the arrays grow with the entries and the least
 * recently used one is evicted at the same bound.
 */
export function upTo(entries: number) {
  return { maxSize: entries, sizeCalculation: () => 1 };
}
