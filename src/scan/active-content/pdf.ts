import { inflateSync } from 'node:zlib';
import { containsZip } from './polyglot.ts';
import type { Finding } from './types.ts';

export interface PdfLimits {
  /** Object streams are inflated to be searched, at most this many bytes in all: beyond, the PDF cannot be inspected. */
  maxInflatedBytes: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = { maxInflatedBytes: 64 * 1024 * 1024 };

/** How far an action dictionary is read, and how many automatic actions are followed, so that a crafted file costs linear time. */
const DICTIONARY_MAX = 8 * 1024;
const MAX_ACTION_LOOKUPS = 1_000;
/** Producers write a few object streams (Word: tens); past this many, the file is not inspected. */
const MAX_OBJECT_STREAMS = 10_000;

/** Acrobat accepts the header within the first 1024 bytes; the trailer must be near the end. */
const HEADER_WINDOW = 1024;
const TRAILER_WINDOW = 2048;

/** Actions that reach outside the document; refused when they run on their own (OpenAction, /AA). */
const EXTERNAL_ACTIONS = new Set(['URI', 'SubmitForm', 'ImportData', 'GoToR', 'GoToE', 'Launch', 'JavaScript']);

/** Structure: a `%PDF-` header near the start and an `%%EOF` marker near the end. */
export function checkPdfStructure(bytes: Buffer): Finding {
  if (!bytes.subarray(0, HEADER_WINDOW).includes('%PDF-', 0, 'latin1')) return { reason: 'malformed_pdf', detail: 'no %PDF- header' };
  if (!bytes.subarray(Math.max(0, bytes.length - TRAILER_WINDOW)).includes('%%EOF', 0, 'latin1'))
    return { reason: 'malformed_pdf', detail: 'no %%EOF marker near the end' };
  return null;
}

/**
 * Structure, polyglots and active content: JavaScript, Launch actions, actions that run on
 * their own and reach outside (an /OpenAction or /AA running URI, GoToR, SubmitForm…), form
 * submissions, embedded files, XFA forms, and encryption (which hides the content from
 * inspection).
 *
 * The file is lexed as a PDF reader would: stream data is set aside (page content is not
 * dictionaries — a resume that mentions "Node.js/JavaScript" is no script) and so are string
 * literals (`/Title (Frontend/JavaScript developer)` is text), comments are kept as they are,
 * names are normalized (`/J#61vaScript` is `/JavaScript`), and object streams (`/Type /ObjStm`,
 * where modern producers put most dictionaries) are decoded and lexed the same way.
 */
export function checkPdf(bytes: Buffer, limits: PdfLimits = DEFAULT_PDF_LIMITS): Finding {
  if (!bytes.subarray(0, HEADER_WINDOW).includes('%PDF-', 0, 'latin1')) return { reason: 'malformed_pdf', detail: 'no %PDF- header' };
  if (containsZip(bytes)) return { reason: 'polyglot', detail: 'the PDF is also a ZIP archive' };
  const structure = checkPdfStructure(bytes);
  if (structure) return structure;

  const top = lex(bytes.toString('latin1'));
  const parts = [top.text];
  let budget = limits.maxInflatedBytes;
  let objectStreams = 0;
  for (const stream of top.streams) {
    if (!hasName(stream.dict, 'Type', 'ObjStm')) continue;
    if (++objectStreams > MAX_OBJECT_STREAMS) return { reason: 'pdf_uninspectable', detail: `more than ${MAX_OBJECT_STREAMS} object streams` };
    const decoded = decodeStream(stream.dict, stream.data, budget);
    if ('problem' in decoded) return { reason: 'pdf_uninspectable', detail: decoded.problem };
    budget -= decoded.bytes.length;
    parts.push(...objectStreamBodies(stream.dict, decoded.bytes));
  }
  const text = parts.join('\n');

  if (hasName(text, 'Encrypt')) return { reason: 'pdf_encrypted', detail: 'encrypted PDFs cannot be inspected' };
  if (hasName(text, 'JavaScript') || hasName(text, 'JS')) return { reason: 'pdf_javascript', detail: 'the PDF contains JavaScript' };
  if (hasName(text, 'Launch')) return { reason: 'pdf_launch_action', detail: 'the PDF has a Launch action' };
  if (hasName(text, 'EmbeddedFile') || hasName(text, 'EmbeddedFiles') || hasName(text, 'FileAttachment'))
    return { reason: 'pdf_embedded_file', detail: 'the PDF embeds files' };
  if (hasName(text, 'XFA')) return { reason: 'pdf_xfa', detail: 'the PDF has an XFA form' };
  if (hasName(text, 'SubmitForm') || hasName(text, 'ImportData'))
    return { reason: 'pdf_external_action', detail: 'the PDF has a form that sends or loads data' };
  const automatic = automaticActions(text);
  if (automatic) return { reason: 'pdf_external_action', detail: automatic };
  return null;
}

/** `/Name` followed by a delimiter; with `value`, `/Name /Value`. */
function hasName(text: string, name: string, value?: string): boolean {
  const end = '(?=[\\s()<>\\[\\]{}/%]|$)';
  return new RegExp(`/${name}${end}${value ? `\\s*/${value}${end}` : ''}`).test(text);
}

interface Lexed {
  /** The text with string literals blanked, stream data removed and names normalized. */
  text: string;
  streams: Array<{ dict: string; data: Buffer }>;
}

/**
 * One pass over the file as latin1 (one char per byte). Literal strings (nested parentheses,
 * backslash escapes) and hex strings become a space; comments are kept verbatim (a `(` inside a
 * comment opens no string); `stream` … `endstream` data is collected apart with the dictionary
 * of its object.
 */
function lex(source: string): Lexed {
  const out: string[] = [];
  const streams: Lexed['streams'] = [];
  let copyFrom = 0;
  let objectStart = 0; // index in `out` of the first piece of the current object
  const flush = (to: number) => {
    if (to > copyFrom) out.push(normalizeNames(source.slice(copyFrom, to)));
  };
  const emit = (piece: string) => void out.push(piece);
  const lineEnd = /[\r\n]/g;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0x28 /* ( */) {
      flush(i);
      let depth = 1;
      i += 1;
      while (i < n && depth > 0) {
        const d = source.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else {
          if (d === 0x28) depth += 1;
          else if (d === 0x29) depth -= 1;
          i += 1;
        }
      }
      emit(' ');
      copyFrom = i;
    } else if (c === 0x3c /* < */ && source.charCodeAt(i + 1) !== 0x3c) {
      flush(i);
      const close = source.indexOf('>', i + 1);
      i = close === -1 ? n : close + 1;
      emit(' ');
      copyFrom = i;
    } else if (c === 0x3c) {
      i += 2; // `<<`
    } else if (c === 0x25 /* % */) {
      lineEnd.lastIndex = i;
      i = lineEnd.exec(source)?.index ?? n;
    } else if (c === 0x6f /* o */ && source.startsWith('obj', i) && isDelimiter(source, i - 1) && isDelimiter(source, i + 3)) {
      flush(i + 3);
      copyFrom = i += 3;
      objectStart = out.length;
    } else if (c === 0x73 /* s */ && source.startsWith('stream', i) && isDelimiter(source, i - 1) && /^stream(\r\n|\n|\r)/.test(source.slice(i, i + 8))) {
      flush(i);
      const dict = out.slice(objectStart).join('');
      const dataStart = i + (source.startsWith('stream\r\n', i) ? 8 : 7);
      const end = source.indexOf('endstream', dataStart);
      const dataEnd = end === -1 ? n : end;
      streams.push({ dict, data: Buffer.from(source.slice(dataStart, dataEnd), 'latin1') });
      emit('stream endstream');
      i = copyFrom = end === -1 ? n : end + 'endstream'.length;
    } else {
      i += 1;
    }
  }
  flush(n);
  return { text: out.join(''), streams };
}

function isDelimiter(source: string, index: number): boolean {
  if (index < 0 || index >= source.length) return true;
  return /[\s()<>[\]{}/%]/.test(source[index]!);
}

/** PDF names may escape characters as `#xx`. */
function normalizeNames(text: string): string {
  if (!text.includes('#')) return text;
  return text.replace(/\/[^\s/<>[\]()%{}]+/g, (name) => name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

/** Applies the stream's filters (Flate, ASCIIHex, ASCII85, none) within the inflate budget. */
function decodeStream(dict: string, data: Buffer, budget: number): { bytes: Buffer } | { problem: string } {
  const filterValue = /\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()%{}]+)/.exec(dict)?.[1] ?? '';
  const filters = filterValue.match(/\/[^\s/<>[\]()%{}]+/g)?.map((name) => name.slice(1)) ?? [];
  let bytes = data;
  for (const filter of filters) {
    try {
      if (filter === 'FlateDecode' || filter === 'Fl') {
        if (budget <= 0) return { problem: 'object streams inflate beyond the inspection limit' };
        bytes = inflateSync(bytes, { maxOutputLength: budget, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a missing end */ });
      } else if (filter === 'ASCIIHexDecode' || filter === 'AHx') {
        bytes = Buffer.from(bytes.toString('latin1').replace(/[^0-9A-Fa-f]/g, ''), 'hex');
      } else if (filter === 'ASCII85Decode' || filter === 'A85') {
        bytes = ascii85(bytes.toString('latin1'));
      } else {
        return { problem: `an object stream uses the ${filter} filter, which is not inspected` };
      }
    } catch (error) {
      if (error instanceof RangeError) return { problem: 'object streams inflate beyond the inspection limit' };
      return { problem: `an object stream cannot be decoded (${filter})` };
    }
  }
  if (bytes.length > budget) return { problem: 'object streams inflate beyond the inspection limit' };
  return { bytes };
}

function ascii85(text: string): Buffer {
  const body = text.replace(/\s/g, '').replace(/^<~/, '').replace(/~>.*$/, '');
  const out: number[] = [];
  let group: number[] = [];
  for (const char of body) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const code = char.charCodeAt(0) - 33;
    if (code < 0 || code > 84) throw new Error('invalid ASCII85');
    group.push(code);
    if (group.length === 5) {
      const value = group.reduce((sum, digit) => sum * 85 + digit, 0);
      out.push((value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
      group = [];
    }
  }
  if (group.length > 0) {
    const missing = 5 - group.length;
    while (group.length < 5) group.push(84);
    const value = group.reduce((sum, digit) => sum * 85 + digit, 0);
    out.push(...[(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].slice(0, 4 - missing));
  }
  return Buffer.from(out);
}

/** The objects of a decoded object stream, each lexed and labelled `n 0 obj … endobj` so that references resolve. */
function objectStreamBodies(dict: string, decoded: Buffer): string[] {
  const text = decoded.toString('latin1');
  const first = Number(/\/First\s+(\d+)/.exec(dict)?.[1] ?? NaN);
  if (!Number.isFinite(first)) return [lex(text).text];
  const numbers = text.slice(0, first).trim().split(/\s+/).map(Number);
  const bodies: string[] = [];
  for (let k = 0; k + 1 < numbers.length; k += 2) {
    const start = first + numbers[k + 1]!;
    const end = k + 3 < numbers.length ? first + numbers[k + 3]! : text.length;
    bodies.push(`${numbers[k]} 0 obj ${lex(text.slice(start, Math.max(start, end))).text} endobj`);
  }
  // Anything the offsets do not cover is searched too.
  if (bodies.length === 0) bodies.push(lex(text.slice(first)).text);
  return bodies;
}

/** An /OpenAction or additional action (/AA) that reaches outside the document on its own, described; else null. */
function automaticActions(text: string): string | null {
  if (!hasName(text, 'OpenAction') && !hasName(text, 'AA')) return null;
  const objects = indexObjects(text);
  const resolve = (value: string): string => {
    const ref = /^\s*(\d+)\s+\d+\s+R/.exec(value);
    return ref ? (objects.get(ref[1]!) ?? '') : value;
  };

  /** The dictionary a key's value is, inline or by reference; null for anything else (an array is a destination). */
  const dictionaryValue = (after: number): string | null => {
    const rest = text.slice(after, after + DICTIONARY_MAX + 64);
    const ref = /^\s*(\d+)\s+\d+\s+R/.exec(rest);
    const value = ref ? (objects.get(ref[1]!) ?? '').slice(0, DICTIONARY_MAX + 64) : rest;
    const start = value.search(/\S/);
    return start !== -1 && value.startsWith('<<', start) ? dictionaryAt(value, start) : null;
  };

  let budget = MAX_ACTION_LOOKUPS;
  for (const match of text.matchAll(/\/OpenAction(?=[\s<[\d])/g)) {
    if (--budget < 0) return 'too many automatic actions to inspect';
    const action = dictionaryValue(match.index + match[0].length);
    const kinds = action ? actionKinds(action, resolve, 0) : [];
    if (kinds.length > 0) return `the document runs a ${kinds.join(', ')} action when opened`;
  }
  for (const match of text.matchAll(/\/AA(?=[\s<\d])/g)) {
    if (--budget < 0) return 'too many automatic actions to inspect';
    const triggers = dictionaryValue(match.index + match[0].length);
    if (!triggers) continue;
    const kinds = new Set(actionKinds(triggers, resolve, 0));
    for (const ref of triggers.matchAll(/(\d+)\s+\d+\s+R/g)) for (const kind of actionKinds(resolve(ref[0]), resolve, 1)) kinds.add(kind);
    if (kinds.size > 0) return `the document runs a ${[...kinds].join(', ')} action on its own (additional actions)`;
  }
  return null;
}

/** The external action kinds of an action dictionary (`/S /URI`) and of the actions it chains with /Next. */
function actionKinds(action: string, resolve: (value: string) => string, depth: number): string[] {
  const kinds = [...action.matchAll(/\/S\s*\/([^\s/<>[\]()%{}]+)/g)].map((match) => match[1]!).filter((kind) => EXTERNAL_ACTIONS.has(kind));
  if (depth >= 4) return kinds;
  const next = /\/Next\s*(\[[^\]]*\]|\d+\s+\d+\s+R)/.exec(action)?.[1];
  for (const ref of next?.matchAll(/(\d+)\s+\d+\s+R/g) ?? []) kinds.push(...actionKinds(resolve(ref[0]), resolve, depth + 1));
  return kinds;
}

/**
 * `n g obj … endobj` bodies by object number, in one linear pass: a body ends at its `endobj`
 * or at the next object header, whichever comes first (a file of headers without `endobj` costs
 * no more than a well-formed one).
 */
function indexObjects(text: string): Map<string, string> {
  const objects = new Map<string, string>();
  const headers = [...text.matchAll(/(\d+)\s+\d+\s+obj\b/g)];
  const ends = [...text.matchAll(/\bendobj\b/g)].map((match) => match.index);
  let e = 0;
  headers.forEach((header, k) => {
    const start = header.index + header[0].length;
    while (e < ends.length && ends[e]! < start) e += 1;
    const next = headers[k + 1]?.index ?? text.length;
    objects.set(header[1]!, text.slice(start, Math.min(ends[e] ?? text.length, next)));
  });
  return objects;
}

/** The balanced `<< … >>` that starts at `start` (strings are already blanked), read at most DICTIONARY_MAX chars far. */
function dictionaryAt(text: string, start: number): string {
  let depth = 0;
  const end = Math.min(text.length - 1, start + DICTIONARY_MAX);
  for (let i = start; i < end; i += 1) {
    if (text[i] === '<' && text[i + 1] === '<') {
      depth += 1;
      i += 1;
    } else if (text[i] === '>' && text[i + 1] === '>') {
      depth -= 1;
      i += 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return text.slice(start, end + 1);
}
