import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageUnavailable } from '../errors.ts';
import { BlobNotFound, type BlobInfo, type BlobListing, type BlobStore, type ByteRange, type PresignedRequest, type PresignGetOptions, type PresignPutOptions, type PutOptions } from './blob-store.ts';
import { assertValidKey, assertValidPrefix } from './keys.ts';
import { UrlSigner } from './url-signer.ts';

const TEMP_DIR = '.tmp';
/** Large writes and reads: fewer syscalls for big files, still constant memory. */
const HIGH_WATER_MARK = 1024 * 1024;

/**
 * Blobs as files under a root directory. Writes are atomic (temp file, fsync, rename, fsync of
 * the directory), so a reader sees the old object or the whole new one and a crash leaves at most
 * a temp file. Pre-signed URLs are HMAC-signed URLs served by this app (`/blobs/…`).
 */
export class LocalBlobStore implements BlobStore {
  readonly driver = 'local' as const;
  readonly root: string;
  readonly signer: UrlSigner;
  private readonly publicUrl: string;

  constructor(options: { root: string; publicUrl: string; signingSecret: string }) {
    this.root = path.resolve(options.root);
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.signer = new UrlSigner(options.signingSecret);
  }

  async put(key: string, body: Readable, _options: PutOptions = {}): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const temp = path.join(this.root, TEMP_DIR, `${randomBytes(12).toString('hex')}.part`);
    await this.io(() => mkdir(path.dirname(temp), { recursive: true }));
    let size = 0;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        const out = createWriteStream('', { fd: handle.fd, autoClose: false, highWaterMark: HIGH_WATER_MARK });
        body.on('data', (chunk: Buffer) => (size += chunk.length));
        await pipeline(body, out);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
      await syncDirectory(path.dirname(target));
      return { size };
    } catch (error) {
      await rm(temp, { force: true });
      throw isIoFailure(error) ? new StorageUnavailable('The local blob store cannot be written.', error) : error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BlobNotFound(key) : new StorageUnavailable('The local blob store cannot be read.', error);
    });
    return createReadStream('', { fd: handle.fd, highWaterMark: HIGH_WATER_MARK, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async head(key: string): Promise<BlobInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return { size: info.size, lastModified: info.mtime, etag: `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageUnavailable('The local blob store cannot be read.', error);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    await this.io(() => rm(this.pathOf(key), { force: true }));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    // Through put(), so that the copy is as atomic and durable as any write.
    await this.put(toKey, await this.get(fromKey));
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    assertValidPrefix(prefix);
    // Walk the directory that contains the prefix, then filter: prefixes need not end at a segment.
    const slash = prefix.lastIndexOf('/');
    const base = slash === -1 ? '' : prefix.slice(0, slash);
    for await (const key of this.walk(base)) {
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key);
      if (info) yield { key, ...info };
    }
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const params = this.signer.sign({ method: 'PUT', key, expires, contentLength: options.contentLength, contentType: options.contentType });
    return { url: `${this.publicUrl}/blobs/${key}?${params}`, method: 'PUT', headers: { 'content-type': options.contentType }, expiresAt: new Date(expires * 1000) };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const params = this.signer.sign({
      method: 'GET',
      key,
      expires,
      ...(options.contentType ? { contentType: options.contentType } : {}),
      ...(options.contentDisposition ? { contentDisposition: options.contentDisposition } : {}),
    });
    return { url: `${this.publicUrl}/blobs/${key}?${params}`, method: 'GET', headers: {}, expiresAt: new Date(expires * 1000) };
  }

  async check(): Promise<void> {
    await this.io(async () => {
      await mkdir(this.root, { recursive: true });
      await stat(this.root);
    });
  }

  /** The file of a key: validated, and resolved strictly inside the root. */
  private pathOf(key: string): string {
    assertValidKey(key);
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error('unreachable: a valid key resolved outside the root');
    return file;
  }

  private async *walk(relative: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(path.join(this.root, relative), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw new StorageUnavailable('The local blob store cannot be listed.', error);
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (relative === '' && entry.name === TEMP_DIR) continue;
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.walk(key);
      else if (entry.isFile()) yield key;
    }
  }

  private async io<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw isIoFailure(error) ? new StorageUnavailable('The local blob store is unavailable.', error) : error;
    }
  }
}

/** Disk-level failures (as opposed to a bad stream or a limit tripping mid-upload). */
function isIoFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EIO', 'ENOTDIR', 'EDQUOT', 'EMFILE'].includes(code);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
