const EOCD = Buffer.from('PK\x05\x06', 'latin1');
const CENTRAL = Buffer.from('PK\x01\x02', 'latin1');
const LOCAL = Buffer.from('PK\x03\x04', 'latin1');
/** ZIP readers look for the end-of-central-directory record in the last 64 KiB + 22 bytes. */
const EOCD_WINDOW = 0xffff + 22;

/**
 * Whether a ZIP reader would open these bytes as an archive: a local file header at the very
 * start, or an end-of-central-directory record where readers look for it (the last 64 KiB) whose
 * central directory really is there — so that four random bytes in compressed image or font
 * data are not taken for an archive.
 */
export function containsZip(bytes: Buffer): boolean {
  if (bytes.subarray(0, 4).equals(LOCAL)) return true;
  const windowStart = Math.max(0, bytes.length - EOCD_WINDOW);
  for (let at = bytes.lastIndexOf(EOCD); at >= windowStart; at = at > 0 ? bytes.lastIndexOf(EOCD, at - 1) : -1) {
    if (at + 22 > bytes.length) continue;
    const entries = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 12);
    const offset = bytes.readUInt32LE(at + 16);
    if (entries === 0 && size === 0) return true; // an empty archive
    // The central directory at its declared offset, or right before the record (data prepended to the ZIP).
    for (const start of [offset, at - size]) {
      if (start >= 0 && start + 4 <= bytes.length && bytes.subarray(start, start + 4).equals(CENTRAL)) return true;
    }
  }
  return false;
}

/** A `%PDF-` header anywhere: PDF readers find it past other formats' headers. */
export function containsPdf(bytes: Buffer): boolean {
  return bytes.includes('%PDF-', 0, 'latin1');
}
