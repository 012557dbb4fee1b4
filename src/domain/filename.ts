/**
 * Original filenames are kept only as metadata, sanitized; they never reach a storage key.
 * What is stripped and why: path components (traversal), control characters (log and header
 * injection), bidi controls and invisible characters (`résumé\u202Efdp.exe` shows as
 * `résuméexe.pdf`), leading dots (hidden files), Windows reserved names and characters.
 */
const MAX_BYTES = 255;
/** C0, DEL, C1, and the Unicode line/paragraph separators (line breaks for many log viewers). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * Bidi marks, embeddings, overrides and isolates (U+200E/F, U+202A–E, U+2066–9, U+061C),
 * zero-width and other invisible format characters (U+200B, U+2060–4, U+FEFF, U+180E, soft
 * hyphen U+00AD) and interlinear annotation controls (U+FFF9–B). The zero-width (non-)joiners
 * U+200C/D stay: Persian and Indic names need them, emoji sequences are built with them, and
 * they can neither reorder text nor hide an extension.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
const RESERVED_CHARS = /[<>:"|?*]/g;
/** Windows refuses these device names whatever the extension (`CON.pdf`, `con .txt`, `com¹.tar.gz`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])\s*(\..*)?$/i;
/** Leading dots and spaces hide a file or confuse shells; trailing ones Windows drops silently. */
const trimEnds = (name: string): string => name.replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');

export function sanitizeFilename(raw: string): string {
  // Lone surrogates cannot be encoded as UTF-8 (and make encodeURIComponent throw): U+FFFD.
  let name = raw.toWellFormed();
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(CONTROL, '').replace(INVISIBLE, '');
  // After the removals: taking out an invisible character can leave a decomposable sequence.
  name = name.normalize('NFC');
  name = trimEnds(name.replace(RESERVED_CHARS, '_'));
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  name = trimEnds(truncateUtf8(name, MAX_BYTES));
  return name === '' ? 'file' : name;
}

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Cuts to at most `maxBytes` of UTF-8 without splitting a character (by code point; a cut
 * may still separate an emoji sequence, which stays valid text), keeping a short extension.
 */
function truncateUtf8(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let budget = maxBytes - utf8Length(extension);
  let stem = '';
  for (const char of extension ? name.slice(0, dot) : name) {
    budget -= utf8Length(char);
    if (budget < 0) break;
    stem += char;
  }
  return stem + extension;
}

/**
 * `Content-Disposition: attachment` (RFC 6266) with two names: `filename*` carries the real name
 * in RFC 5987 percent-encoding, which every current browser prefers; `filename` is an ASCII
 * fallback for the rest. The fallback replaces rather than escapes `"` and `\`, and replaces `%`:
 * RFC 6266 appendix D warns that user agents handle backslash escapes and `%xx` sequences
 * inconsistently, and a fallback only has to be safe, not exact.
 */
export function contentDisposition(filename: string): string {
  const name = filename.toWellFormed();
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  // encodeURIComponent leaves ' ( ) * unescaped, which are not attr-chars in RFC 5987.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
