import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * Limits for any ZIP container: DOCX files, and the archives of resumes of the bulk intake.
 * The declared sizes of the central directory give a bomb away before a byte is inflated.
 */
export interface ZipLimits {
  maxEntries: number;
  /** Sum of the declared uncompressed sizes, in bytes. */
  maxTotalUncompressed: number;
  /** Uncompressed / compressed, per entry and for the whole archive (checked above 1 MiB only: small parts compress well). */
  maxRatio: number;
  /** How many archives deep an archive may sit (1: a DOCX may embed an XLSX chart, which may not embed another archive). */
  maxNesting?: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 1000, maxTotalUncompressed: 200 * 1024 * 1024, maxRatio: 100, maxNesting: 1 };

/** Ratios are judged above this size only: a 2 KB XML part that compresses 300:1 is no bomb. */
const RATIO_FLOOR = 1024 * 1024;
/** A nested ZIP is read into memory to be judged; never more than this. */
const MAX_NESTED_BYTES = 32 * 1024 * 1024;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
}

export type ZipProblem = 'zip_bomb' | 'zip_encrypted' | 'zip_path_traversal' | 'zip_symlink' | 'zip_too_many_entries' | 'zip_nested' | 'zip_invalid';

export interface ZipInspection {
  entries: ZipEntryInfo[];
  problem: ZipProblem | null;
  detail?: string;
}

/** Names of archive formats; a ZIP-family member is also recognized by its magic bytes whatever its name. */
const ARCHIVE_NAME = /\.(zip|jar|war|apk|docx|docm|dotx|dotm|xlsx|xlsm|pptx|pptm|odt|ods|odp|epub|7z|rar|gz|tgz|bz2|xz|tar|cab|arj|lzh|iso)$/i;
const ZIP_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/**
 * Reads a ZIP's central directory with yauzl (nothing is extracted) and judges it against the
 * limits: entry count, declared total size, compression ratio per entry and overall, encrypted
 * entries, entry names that climb out (`..`, absolute paths, backslashes, drive letters — the
 * raw name and the Info-ZIP Unicode path that some extractors prefer), and archives nested more
 * than `maxNesting` deep (nested ZIPs in a buffer are opened and judged the same way).
 *
 * `source` is a buffer (a document read with a cap) or a path (an archive spooled to disk, read
 * with random access). `perEntry` leaves the judgments about single entries (names, encryption,
 * nesting) to the caller, for the bulk intake, which reports each entry on its own
 * (`entryProblem`); what concerns the whole archive (count, sizes, ratios) still refuses it.
 */
export async function inspectZip(
  source: Buffer | string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  options: { perEntry?: boolean } = {},
): Promise<ZipInspection> {
  return inspectAt(source, limits, options.perEntry ?? false, 0);
}

async function inspectAt(source: Buffer | string, limits: ZipLimits, perEntry: boolean, depth: number): Promise<ZipInspection> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source);
  } catch (error) {
    return { entries: [], problem: 'zip_invalid', detail: message(error) };
  }
  const entries: ZipEntryInfo[] = [];
  try {
    if (zip.entryCount > limits.maxEntries)
      return { entries, problem: 'zip_too_many_entries', detail: `${zip.entryCount} entries (at most ${limits.maxEntries})` };
    let compressed = 0;
    let uncompressed = 0;
    for await (const entry of iterateEntries(zip)) {
      const names = entryNames(entry);
      const info: ZipEntryInfo = {
        name: names[0]!,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        encrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
      };
      entries.push(info);
      const label = JSON.stringify(info.name.slice(0, 200));
      const problem = perEntry ? null : entryProblem(entry);
      if (problem) return { entries, ...problem };
      const ratio = info.uncompressedSize / Math.max(info.compressedSize, 1);
      if (info.uncompressedSize > RATIO_FLOOR && ratio > limits.maxRatio)
        return { entries, problem: 'zip_bomb', detail: `entry ${label} expands ${Math.round(ratio)}:1` };
      compressed += info.compressedSize;
      uncompressed += info.uncompressedSize;
      if (uncompressed > limits.maxTotalUncompressed)
        return { entries, problem: 'zip_bomb', detail: `more than ${limits.maxTotalUncompressed} bytes uncompressed` };
      if (perEntry || info.name.endsWith('/')) continue;
      const nested = await nestedArchive(zip, entry, info, source, limits, perEntry, depth);
      if (nested) return { entries, ...nested };
    }
    if (uncompressed > RATIO_FLOOR && uncompressed / Math.max(compressed, 1) > limits.maxRatio) {
      return { entries, problem: 'zip_bomb', detail: `the archive expands ${Math.round(uncompressed / Math.max(compressed, 1))}:1` };
    }
    return { entries, problem: null };
  } catch (error) {
    return { entries, problem: 'zip_invalid', detail: message(error) };
  } finally {
    zip.close();
  }
}

/** An archive inside this one: refused beyond the nesting limit, else opened (when it is a ZIP held in memory) and judged too. */
async function nestedArchive(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  info: ZipEntryInfo,
  source: Buffer | string,
  limits: ZipLimits,
  perEntry: boolean,
  depth: number,
): Promise<Omit<ZipInspection, 'entries'> | null> {
  const byName = ARCHIVE_NAME.test(info.name);
  const head = info.uncompressedSize >= 4 ? await readEntry(zip, entry, 4) : Buffer.alloc(0);
  const isZip = ZIP_MAGIC.some((magic) => head.subarray(0, 4).equals(magic));
  if (!byName && !isZip) return null;
  const maxNesting = limits.maxNesting ?? 1;
  if (depth + 1 > maxNesting)
    return { problem: 'zip_nested', detail: `archive nested more than ${maxNesting} deep: ${JSON.stringify(info.name.slice(0, 200))}` };
  // Only ZIPs held in memory are opened: the archive was read with a cap, so its entries are bounded too.
  if (!isZip || typeof source === 'string') return null;
  if (info.uncompressedSize > MAX_NESTED_BYTES)
    return { problem: 'zip_nested', detail: `nested archive too large to inspect: ${JSON.stringify(info.name.slice(0, 200))}` };
  const inner = await inspectAt(await readEntry(zip, entry, MAX_NESTED_BYTES), limits, perEntry, depth + 1);
  return inner.problem ? { problem: inner.problem, detail: `in ${JSON.stringify(info.name.slice(0, 200))}: ${inner.detail ?? inner.problem}` } : null;
}

/**
 * What is wrong with one entry on its own: a name that climbs out (raw or Info-ZIP Unicode path),
 * encryption, or a symbolic link (Unix mode in the external attributes), which an extractor
 * would follow and Vitae would otherwise read as a small text file.
 */
export function entryProblem(entry: yauzl.Entry): { problem: ZipProblem; detail: string } | null {
  const unsafe = entryNames(entry).find(isUnsafeEntryName);
  if (unsafe !== undefined) return { problem: 'zip_path_traversal', detail: `entry ${JSON.stringify(unsafe.slice(0, 200))}` };
  const label = JSON.stringify(entryNames(entry)[0]!.slice(0, 200));
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) return { problem: 'zip_encrypted', detail: `entry ${label} is encrypted` };
  if (isSymlink(entry)) return { problem: 'zip_symlink', detail: `entry ${label} is a symbolic link` };
  return null;
}

/** A symbolic link, by the Unix file type in the high half of the external attributes. Its "content" is a path. */
export function isSymlink(entry: yauzl.Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

/** `..` segments, absolute paths, backslashes, drive letters, NUL bytes. */
export function isUnsafeEntryName(name: string): boolean {
  return name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..') || name.includes('\0');
}

/** Reads one entry's bytes by name, at most `maxBytes` (for XML parts such as relationships); null when absent, larger or a symbolic link. */
export async function readZipEntry(bytes: Buffer, entryName: string, maxBytes = 1024 * 1024): Promise<Buffer | null> {
  const zip = await openZip(bytes);
  try {
    for await (const entry of iterateEntries(zip)) {
      if (entryNames(entry)[0] !== entryName) continue;
      if (entry.uncompressedSize > maxBytes || isSymlink(entry)) return null;
      return await readEntry(zip, entry, maxBytes);
    }
    return null;
  } finally {
    zip.close();
  }
}

/** Reads every entry whose name matches, each at most `maxBytes` (larger ones, encrypted ones and symbolic links are skipped), into a map by name. */
export async function readZipEntries(bytes: Buffer, wanted: (name: string) => boolean, maxBytes = 1024 * 1024): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const zip = await openZip(bytes);
  try {
    for await (const entry of iterateEntries(zip)) {
      const name = entryNames(entry)[0]!;
      // A symbolic link is never read as the part it names: its bytes are a path on someone's disk.
      if (!wanted(name) || entry.uncompressedSize > maxBytes || (entry.generalPurposeBitFlag & 0x1) !== 0 || isSymlink(entry)) continue;
      found.set(name, await readEntry(zip, entry, maxBytes));
    }
    return found;
  } finally {
    zip.close();
  }
}

/** Opens a ZIP without letting yauzl rewrite names: the raw names are judged here. */
export function openZip(source: Buffer | string): Promise<yauzl.ZipFile> {
  const settings = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, file?: yauzl.ZipFile) => (error || !file ? reject(error ?? new Error('not a ZIP')) : resolve(file));
    if (typeof source === 'string') yauzl.open(source, settings, done);
    else yauzl.fromBuffer(source, settings, done);
  });
}

export async function* iterateEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (value: yauzl.Entry) => settle(() => resolve(value));
      const onEnd = () => settle(() => resolve(null));
      const onError = (error: Error) => settle(() => reject(error));
      const settle = (then: () => void) => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
        then();
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

/** The bytes of one entry, inflated, at most `maxBytes` (the stream is abandoned beyond). */
function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream?: Readable) => {
      if (error || !stream) return reject(error ?? new Error('unreadable entry'));
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= maxBytes) {
          stream.destroy();
          resolve(Buffer.concat(chunks).subarray(0, maxBytes));
        }
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

/** The entry's raw name (UTF-8 when flagged, else CP437 — read as Latin-1, which keeps every ASCII byte), then any Info-ZIP Unicode path. */
export function entryNames(entry: yauzl.Entry): string[] {
  const raw = entry.fileName as unknown as Buffer | string;
  const names = [typeof raw === 'string' ? raw : raw.toString(entry.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1')];
  for (const field of entry.extraFields) {
    // 0x7075: version (1 byte), CRC-32 of the raw name (4 bytes), then the UTF-8 name.
    if (field.id === 0x7075 && field.data.length > 5) names.push(field.data.subarray(5).toString('utf8'));
  }
  return names;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
