import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, type Stats } from 'node:fs';
import { access, copyFile, link, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageUnavailable } from '../errors.ts';
import {
  BlobExists,
  BlobNotFound,
  type BlobInfo,
  type BlobListing,
  type BlobStore,
  type ByteRange,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutOptions,
} from './blob-store.ts';
import { assertValidKey, assertValidPrefix } from './keys.ts';
import { UrlSigner } from './url-signer.ts';
import { syncDirectory } from '../fs-durable.ts';

/** Temp files live inside the root (same file system, so rename is atomic); no valid key starts with a dot. */
const TEMP_DIR = '.tmp';
/**
 * 256 KiB reads and writes: a quarter of the syscalls of the 64 KiB default. 1 MiB chunks measured
 * slower (each fresh buffer is a new mmap) and leave more garbage between collections.
 */
const HIGH_WATER_MARK = 256 * 1024;

/**
 * Blobs as files under a root directory. Writes are atomic and exclusive (temp file, fsync, hard
 * link to the key, fsync of the directory): a reader sees no object or the whole one, a crash
 * leaves at most a temp file, and an object once written never changes — a second write to the
 * same key fails with BlobExists, so bytes that were checked and scanned stay the bytes served. Files and directories are private to the service's user (0600/0700).
 * Pre-signed URLs are HMAC-signed URLs served by this app (`/blobs/…`, see http/routes/blobs.ts).
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

  /** Takes ownership of `body`: it is consumed, or destroyed when the write cannot happen. */
  async put(key: string, body: Readable, _options: PutOptions = {}): Promise<{ size: number }> {
    let target: string;
    try {
      target = this.pathOf(key);
    } catch (error) {
      body.destroy();
      throw error;
    }
    const temp = await this.tempFile().catch((error: unknown) => {
      body.destroy();
      throw error;
    });
    try {
      // `flush`: the file is fsynced before it is closed, so the rename below publishes only durable bytes.
      const out = createWriteStream(temp, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: HIGH_WATER_MARK });
      await pipeline(body, out);
      const size = out.bytesWritten;
      await this.commit(temp, target, key);
      return { size };
    } catch (error) {
      // A failing source (a limit tripped, a client gone) leaves nothing behind.
      await rm(temp, { force: true });
      if (error instanceof BlobExists) throw error;
      throw storageError(error, 'written');
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    let handle;
    try {
      handle = await open(file, 'r');
      if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    } catch (error) {
      await handle?.close();
      throw isMissing(error) ? new BlobNotFound(key) : storageError(error, 'read');
    }
    // The stream owns the handle and closes it when done or destroyed.
    return handle.createReadStream({ highWaterMark: HIGH_WATER_MARK, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async head(key: string): Promise<BlobInfo | null> {
    try {
      return describe(await stat(this.pathOf(key)));
    } catch (error) {
      if (isMissing(error)) return null;
      throw storageError(error, 'read');
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
      // Erasure must survive a crash too.
      await syncDirectory(path.dirname(file));
    } catch (error) {
      if (!isMissing(error) && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw storageError(error, 'written');
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = this.pathOf(fromKey);
    const target = this.pathOf(toKey);
    const temp = await this.tempFile();
    try {
      // FICLONE: a reflink where the file system supports it, a kernel-side copy elsewhere.
      await copyFile(source, temp, constants.COPYFILE_FICLONE);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.commit(temp, target, toKey);
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof BlobExists) throw error;
      if (isMissing(error) && !(await this.exists(fromKey))) throw new BlobNotFound(fromKey);
      throw storageError(error, 'written');
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    assertValidPrefix(prefix);
    // Walk the directory that contains the prefix, then filter: prefixes need not end at a segment.
    const slash = prefix.lastIndexOf('/');
    const base = slash === -1 ? '' : prefix.slice(0, slash);
    for await (const key of this.walk(base)) {
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key); // null when deleted meanwhile
      if (info) yield { key, ...info };
    }
  }

  async sweepPartialWrites(cutoff: Date): Promise<number> {
    const directory = path.join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw storageError(error, 'listed');
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(directory, name);
      // A write in progress keeps moving its modification time.
      const info = await stat(file).catch(() => null);
      if (!info || info.mtime >= cutoff) continue;
      await rm(file, { force: true });
      removed += 1;
    }
    return removed;
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const params = this.signer.sign({ method: 'PUT', key, expires, contentLength: options.contentLength, contentType: options.contentType });
    return {
      url: `${this.publicUrl}/blobs/${key}?${params.toString()}`,
      method: 'PUT',
      headers: { 'content-type': options.contentType, 'content-length': String(options.contentLength) },
      expiresAt: new Date(expires * 1000),
    };
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
      ...(options.grant ? { download: options.grant } : {}),
    });
    return { url: `${this.publicUrl}/blobs/${key}?${params.toString()}`, method: 'GET', headers: {}, expiresAt: new Date(expires * 1000) };
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new StorageUnavailable('The local blob store is unavailable.', error);
    }
  }

  /** The file of a key: validated, and resolved strictly inside the root. */
  private pathOf(key: string): string {
    assertValidKey(key);
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error('unreachable: a valid key resolved outside the root');
    return file;
  }

  private async tempFile(): Promise<string> {
    const directory = path.join(this.root, TEMP_DIR);
    await mkdir(directory, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw storageError(error, 'written');
    });
    return path.join(directory, `${randomUUID()}.part`);
  }

  /**
   * Publishes a synced temp file under its key, making the new name (and any new directory)
   * durable. link(2), unlike rename(2), fails when the target exists: the exclusive create.
   */
  private async commit(temp: string, target: string, key: string): Promise<void> {
    const directory = path.dirname(target);
    const created = await mkdir(directory, { recursive: true, mode: 0o700 });
    try {
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BlobExists(key);
      throw error;
    }
    await unlink(temp);
    // New directories exist only once their parents' entries are on disk. The directories are
    // synced at once, not one after the other: nothing names the blob until all of them are done,
    // so their order does not matter, and the file system can flush them in one journal commit.
    const directories = [directory];
    if (created !== undefined) {
      for (let dir = path.dirname(directory); dir.length >= path.dirname(created).length && dir !== path.dirname(dir); dir = path.dirname(dir)) {
        directories.push(dir);
      }
    }
    await Promise.all(directories.map(syncDirectory));
  }

  private async *walk(relative: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(path.join(this.root, relative), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw storageError(error, 'listed');
    }
    // Code-unit order, as S3 lists.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (relative === '' && entry.name === TEMP_DIR) continue;
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.walk(key);
      else if (entry.isFile()) yield key;
    }
  }
}

/** A cheap ETag from size and modification time (in microseconds): the file is never re-read. */
function describe(info: Stats): BlobInfo | null {
  if (!info.isFile()) return null;
  return { size: info.size, lastModified: info.mtime, etag: `"${info.size.toString(16)}-${Math.round(info.mtimeMs * 1000).toString(16)}"` };
}

/** No such file, or a key that is a directory or lies below a file: either way, no blob. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Disk-level failures become 503s; anything else (a failing source stream, a limit) passes through. */
function storageError(error: unknown, what: 'read' | 'written' | 'listed'): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const disk = typeof code === 'string' && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EIO', 'EDQUOT', 'EMFILE', 'ENFILE'].includes(code);
  return disk ? new StorageUnavailable(`The local blob store cannot be ${what}.`, error) : error;
}
