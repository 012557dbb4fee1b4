import { inflateSync } from 'node:zlib';
import type { Finding } from './types.ts';

/** Inflated object streams are read up to this much, so that a compressed bomb cannot exhaust memory. */
const MAX_INFLATED = 32 * 1024 * 1024;

const ACTIVE_NAMES: Array<[RegExp, string, string]> = [
  [/\/(JavaScript|JS)\b/, 'pdf_javascript', 'the PDF contains JavaScript'],
  [/\/Launch\b/, 'pdf_launch_action', 'the PDF has a Launch action'],
  [/\/EmbeddedFiles?\b/, 'pdf_embedded_file', 'the PDF embeds files'],
  [/\/XFA\b/, 'pdf_xfa', 'the PDF has an XFA form'],
  [/\/(SubmitForm|ImportData)\b/, 'pdf_launch_action', 'the PDF has a form action that sends or loads data'],
];

/**
 * Structure (a `%PDF-` header and an `%%EOF` trailer) and active content: JavaScript, Launch
 * actions, embedded files, XFA forms, and encryption (which hides the content from inspection).
 * Names are normalized first (`/J#61vaScript` is `/JavaScript`), and compressed streams (object
 * streams hide dictionaries there) are inflated and searched too.
 */
export function checkPdf(bytes: Buffer): Finding {
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) return { reason: 'malformed_pdf', detail: 'no %PDF- header' };
  if (!bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1').includes('%%EOF')) return { reason: 'malformed_pdf', detail: 'no %%EOF trailer' };
  if (bytes.includes(Buffer.from('PK\x05\x06', 'latin1')) && bytes.includes(Buffer.from('PK\x03\x04', 'latin1'))) return { reason: 'polyglot', detail: 'the PDF is also a ZIP archive' };

  const text = normalizeNames(bytes.toString('latin1'));
  if (/\/Encrypt\b/.test(text)) return { reason: 'pdf_encrypted', detail: 'encrypted PDFs cannot be inspected' };
  const found = findActive(text);
  if (found) return found;
  let budget = MAX_INFLATED;
  for (const stream of streams(bytes)) {
    if (budget <= 0) break;
    let inflated: Buffer;
    try {
      inflated = inflateSync(stream, { maxOutputLength: budget });
    } catch {
      continue; // not Flate, or truncated by the budget: nothing readable to search
    }
    budget -= inflated.length;
    const finding = findActive(normalizeNames(inflated.toString('latin1')));
    if (finding) return finding;
  }
  return null;
}

function findActive(text: string): Finding {
  for (const [pattern, reason, detail] of ACTIVE_NAMES) if (pattern.test(text)) return { reason, detail };
  return null;
}

/** PDF names may escape characters as `#xx`. */
function normalizeNames(text: string): string {
  return text.replace(/\/[^\s/<>[\]()%{}]+/g, (name) => name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

/** The raw bytes between `stream` and `endstream` keywords. */
function* streams(bytes: Buffer): Generator<Buffer> {
  const start = Buffer.from('stream', 'latin1');
  const end = Buffer.from('endstream', 'latin1');
  let position = 0;
  for (;;) {
    const open = bytes.indexOf(start, position);
    if (open === -1) return;
    if (bytes.subarray(Math.max(0, open - 3), open).toString('latin1') === 'end') {
      position = open + start.length;
      continue;
    }
    let dataStart = open + start.length;
    if (bytes[dataStart] === 0x0d) dataStart += 1;
    if (bytes[dataStart] === 0x0a) dataStart += 1;
    const close = bytes.indexOf(end, dataStart);
    if (close === -1) return;
    yield bytes.subarray(dataStart, close);
    position = close + end.length;
  }
}
