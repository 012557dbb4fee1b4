import yauzl from 'yauzl';

/** Limits for any ZIP container: DOCX files, and archives of resumes in the bulk intake. */
export interface ZipLimits {
  maxEntries: number;
  maxTotalUncompressed: number;
  /** Uncompressed / compressed, per entry and for the whole archive. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 1000, maxTotalUncompressed: 200 * 1024 * 1024, maxRatio: 100 };

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
}

export type ZipProblem = 'zip_bomb' | 'zip_encrypted' | 'zip_path_traversal' | 'zip_too_many_entries' | 'zip_nested' | 'zip_invalid';

/**
 * Reads a ZIP's central directory (yauzl, no extraction) and judges it against the limits: the
 * declared sizes give the ratio and total away before a byte is inflated. Entry names that climb
 * out (`..`, absolute, backslashes, drive letters) are refused outright.
 */
export async function inspectZip(source: Buffer | string, limits: ZipLimits = DEFAULT_ZIP_LIMITS, options: { nestedAllowed?: boolean } = {}): Promise<{ entries: ZipEntryInfo[]; problem: ZipProblem | null; detail?: string }> {
  let zip: yauzl.ZipFile;
  const settings = { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };
  try {
    zip = await new Promise((resolve, reject) => {
      const done = (error: Error | null, file?: yauzl.ZipFile) => (error || !file ? reject(error) : resolve(file));
      // A path (an archive spooled to disk) is read with random access; a buffer is a small document.
      if (typeof source === 'string') yauzl.open(source, settings, done);
      else yauzl.fromBuffer(source, settings, done);
    });
  } catch (error) {
    return { entries: [], problem: 'zip_invalid', detail: error instanceof Error ? error.message : String(error) };
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return { entries: [], problem: 'zip_too_many_entries', detail: `${zip.entryCount} entries (at most ${limits.maxEntries})` };
  }
  const entries: ZipEntryInfo[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, encrypted: entry.isEncrypted() });
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // yauzl itself refuses entry names that climb out of the archive.
    return { entries, problem: /relative path|absolute path/i.test(detail) ? 'zip_path_traversal' : 'zip_invalid', detail };
  } finally {
    zip.close();
  }
  return { entries, ...judge(entries, limits, options.nestedAllowed ?? false) };
}

function judge(entries: ZipEntryInfo[], limits: ZipLimits, nestedAllowed: boolean): { problem: ZipProblem | null; detail?: string } {
  let compressed = 0;
  let uncompressed = 0;
  for (const entry of entries) {
    if (isUnsafeEntryName(entry.name)) return { problem: 'zip_path_traversal', detail: `entry ${JSON.stringify(entry.name.slice(0, 200))}` };
    if (entry.encrypted) return { problem: 'zip_encrypted', detail: `entry ${JSON.stringify(entry.name.slice(0, 200))} is encrypted` };
    if (!nestedAllowed && /\.(zip|jar|docx|xlsx|pptx|7z|rar|gz|tgz)$/i.test(entry.name)) return { problem: 'zip_nested', detail: `archive inside an archive: ${entry.name.slice(0, 200)}` };
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxRatio) return { problem: 'zip_bomb', detail: `entry compression ratio ${Math.round(ratio)}:1` };
    compressed += entry.compressedSize;
    uncompressed += entry.uncompressedSize;
  }
  if (uncompressed > limits.maxTotalUncompressed) return { problem: 'zip_bomb', detail: `${uncompressed} bytes uncompressed (at most ${limits.maxTotalUncompressed})` };
  if (uncompressed > 1024 * 1024 && uncompressed / Math.max(compressed, 1) > limits.maxRatio) return { problem: 'zip_bomb', detail: `archive compression ratio ${Math.round(uncompressed / Math.max(compressed, 1))}:1` };
  return { problem: null };
}

export function isUnsafeEntryName(name: string): boolean {
  return name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..') || name.includes('\0');
}

/** Reads one entry's bytes, at most `maxBytes` (for small XML parts such as relationships). */
export async function readZipEntry(bytes: Buffer, entryName: string, maxBytes = 1024 * 1024): Promise<Buffer | null> {
  const zip: yauzl.ZipFile = await new Promise((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error || !file ? reject(error) : resolve(file))));
  try {
    return await new Promise<Buffer | null>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        if (entry.uncompressedSize > maxBytes) return resolve(null);
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return reject(error);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => resolve(Buffer.concat(chunks)));
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(null));
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
