import { InvalidBlobKey } from './blob-store.ts';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;
/** File systems limit one name to 255 bytes; keys are ASCII, so characters. */
const MAX_SEGMENT_LENGTH = 255;

/**
 * Every adapter validates keys, whatever the caller: segments of `[A-Za-z0-9._-]` starting with a letter or
 * digit (so never `.` or `..`), separated by `/`, no empty segment, no leading slash. No key can escape the store's root.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new InvalidBlobKey(String(key));
  for (const segment of key.split('/')) {
    if (segment.length > MAX_SEGMENT_LENGTH || !SEGMENT.test(segment)) throw new InvalidBlobKey(key);
  }
}

/** A prefix is a key, or a key with a trailing slash, or empty (everything). */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
