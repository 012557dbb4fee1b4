/**
 * Requests started before the page that needs them renders (e.g. right after the session is
 * restored on a full page load), handed over once. Saves a render-then-fetch round trip.
 */
const pending = new Map<string, Promise<unknown>>();

export function prefetch<T>(key: string, load: () => Promise<T>): void {
  if (pending.has(key)) return;
  const promise = load();
  promise.catch(() => undefined); // the page that takes it handles the failure
  pending.set(key, promise);
}

/** The prefetched promise for `key` (once), or undefined. */
export function takePrefetched<T>(key: string): Promise<T> | undefined {
  const promise = pending.get(key) as Promise<T> | undefined;
  pending.delete(key);
  return promise;
}
