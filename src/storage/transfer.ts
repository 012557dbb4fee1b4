import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, type BlobStore } from './blob-store.ts';

/** Bytes passed through, counted and hashed on the way. */
export class Sha256Counter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

export interface BlobDigest {
  size: number;
  sha256: string;
}

/** The digest of a stream, read to its end and discarded. */
export async function digestOf(stream: Readable): Promise<BlobDigest> {
  const counter = new Sha256Counter();
  await pipeline(stream, counter, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
  return { size: counter.size, sha256: counter.digest() };
}

/** The digest of a stored object, or null when the key holds none. */
export async function digestOfBlob(store: BlobStore, key: string): Promise<BlobDigest | null> {
  try {
    return await digestOf(await store.get(key));
  } catch (error) {
    if (error instanceof BlobNotFound) return null;
    throw error;
  }
}

export class ChecksumMismatch extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(`${what}: expected sha256 ${expected}, got ${actual}`);
    this.name = 'ChecksumMismatch';
  }
}

export interface TransferOptions {
  /** The bytes read must have this digest, else the copy is deleted and ChecksumMismatch thrown. */
  expectedSha256?: string;
  /** Read the copy back and compare its digest too (for a move, where the source will be given up). */
  verifyCopy?: boolean;
}

/**
 * Streams one object from `source` to the same key in `target`, hashing the bytes as they pass.
 * Throws BlobNotFound when the source has no such object (deleted meanwhile), and BlobExists when
 * the target refuses to replace one.
 */
export async function transferBlob(source: BlobStore, target: BlobStore, key: string, options: TransferOptions = {}): Promise<BlobDigest> {
  const counter = new Sha256Counter();
  const reading = pipeline(await source.get(key), counter);
  reading.catch(() => {}); // its error reaches `put` through `counter`
  await target.put(key, counter, { contentType: 'application/octet-stream' });
  await reading;
  const copied = { size: counter.size, sha256: counter.digest() };
  const mismatch = async (expected: string, actual: string) => {
    await target.delete(key);
    return new ChecksumMismatch(key, expected, actual);
  };
  if (options.expectedSha256 && copied.sha256 !== options.expectedSha256) throw await mismatch(options.expectedSha256, copied.sha256);
  if (options.verifyCopy) {
    const stored = await digestOfBlob(target, key);
    if (stored?.sha256 !== copied.sha256) throw await mismatch(copied.sha256, stored?.sha256 ?? 'nothing');
  }
  return copied;
}

/**
 * Runs `run` on each item with at most `limit` in flight: blob copies wait mostly on fsync and
 * the network, so a few at once overlap those waits. Stops taking items after the first failure,
 * lets the ones in flight finish, then throws that failure.
 */
export async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, run: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await run(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: limit }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}
