/**
 * Original filenames are kept only as metadata, sanitized; they never reach a storage key.
 * What is stripped and why: path components (traversal), control characters (log and header
 * injection), bidi overrides and invisible characters (`résumé\u202Efdp.exe` shows as
 * `résuméexe.pdf`), leading dots (hidden files), Windows reserved names and characters.
 */
const MAX_BYTES = 255;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\ufff9-\ufffb]/g;
const RESERVED_CHARS = /[<>:"|?*]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

export function sanitizeFilename(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.replace(CONTROL, '').replace(INVISIBLE, '');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(RESERVED_CHARS, '_');
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  name = truncateUtf8(name, MAX_BYTES);
  return name === '' ? 'file' : name;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character, keeping a short extension. */
function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const budget = maxBytes - Buffer.byteLength(extension);
  let stem = '';
  for (const char of extension ? name.slice(0, dot) : name) {
    if (Buffer.byteLength(stem + char) > budget) break;
    stem += char;
  }
  return stem + extension;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the RFC 5987 UTF-8 form (RFC 6266). */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
