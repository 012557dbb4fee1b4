/**
 * Reading order for a PDF page, from its positioned text items (PDF.js `getTextContent`). A PDF
 * draws text in whatever order its producer chose: a name drawn after the title ("Jane
 * DoeDevOps Engineer"), two columns interleaved line by line, a name drawn last. Here lines are
 * rebuilt from positions instead:
 * 1. items are grouped into rows by baseline and, within a row, into segments wherever the gap
 *    between two items is wider than a tab stop;
 * 2. a column gutter is an x-band, in the middle of the text area, that (almost) no segment
 *    crosses; the page is read as columns (left, then right, full-width rows above first) only
 *    when both sides carry section headings — a left margin of dates (moderncv, Europass) or
 *    right-aligned dates stay on the row they belong to;
 * 3. letter-spaced runs ("J A N E   D O E") are joined into words;
 * 4. the largest line near the top of the first page (the name, in almost every resume) is put
 *    first, wherever the content stream had it.
 */
export interface PositionedText {
  str: string;
  /** Left edge and baseline, in PDF units (y grows upwards). */
  x: number;
  y: number;
  width: number;
  /** Font size (the text matrix's vertical scale). */
  size: number;
  /** The font's name in the document, when known: a change of font can be the only word break. */
  font?: string;
}

export interface PageLayout {
  lines: string[];
  /** The page's largest text near its top, when clearly larger than the body text. */
  title?: string;
}

interface Segment {
  items: PositionedText[];
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A gap wider than this many font sizes separates two segments of a row (a tab stop, a column gutter). */
const SEGMENT_GAP_EM = 1.2;
/** A gap wider than this many font sizes between two items is a space. */
const SPACE_GAP_EM = 0.12;
/** The gutter is searched in the middle of the text area only: a sidebar is at least this wide. */
const GUTTER_SEARCH = [0.15, 0.85] as const;
const MIN_GUTTER_WIDTH = 6;

export function layoutPage(items: PositionedText[], isHeading: (line: string) => boolean): PageLayout {
  const visible = items.filter((item) => clean(item.str).trim() !== '' && item.size > 0);
  if (visible.length === 0) return { lines: [] };
  const rows = groupRows(visible).map(segmentsOf);
  const segments = rows.flat();
  const gutter = findGutter(segments, rows.length);
  let ordered: Segment[][];
  if (gutter && columnsHaveHeadings(segments, gutter, isHeading)) ordered = readColumns(rows, gutter);
  else ordered = rows;
  const lines = ordered.map((row) => row.map(textOf).join('  ').trim()).filter(Boolean);
  const title = titleOf(rows, segments);
  return title ? { lines, title } : { lines };
}

/** Rows of items sharing a baseline (within a third of the smaller font size), top to bottom. */
function groupRows(items: PositionedText[]): PositionedText[][] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: PositionedText[][] = [];
  let current: PositionedText[] = [];
  let baseline = Number.NaN;
  for (const item of sorted) {
    const tolerance = Math.min(item.size, current[0]?.size ?? item.size) * 0.35;
    if (current.length > 0 && Math.abs(item.y - baseline) <= tolerance) current.push(item);
    else {
      if (current.length) rows.push(current);
      current = [item];
      baseline = item.y;
    }
  }
  if (current.length) rows.push(current);
  return rows.map((row) => row.sort((a, b) => a.x - b.x));
}

function segmentsOf(row: PositionedText[]): Segment[] {
  const segments: Segment[] = [];
  for (const item of row) {
    const last = segments.at(-1);
    const gap = last ? item.x - last.x1 : Number.POSITIVE_INFINITY;
    if (last && gap <= SEGMENT_GAP_EM * Math.max(item.size, last.size)) {
      last.items.push(item);
      last.x1 = Math.max(last.x1, item.x + item.width);
      last.size = Math.max(last.size, item.size);
    } else {
      segments.push({ items: [item], x0: item.x, x1: item.x + item.width, y: item.y, size: item.size });
    }
  }
  return segments;
}

/**
 * The widest x-band in the middle of the text area that at most a few segments cross (a header
 * row spanning the page may), with text on both sides of it.
 */
function findGutter(segments: Segment[], rowCount: number): number | null {
  const left = Math.min(...segments.map((s) => s.x0));
  const right = Math.max(...segments.map((s) => s.x1));
  const width = right - left;
  if (width < 100 || rowCount < 5) return null;
  const bins = new Uint16Array(Math.ceil(width) + 1);
  for (const segment of segments) {
    for (let x = Math.floor(segment.x0 - left); x < Math.ceil(segment.x1 - left); x += 1) bins[x]! += 1;
  }
  const allowed = Math.max(2, Math.floor(rowCount * 0.08));
  let best: { start: number; end: number } | null = null;
  let start = -1;
  const from = Math.floor(width * GUTTER_SEARCH[0]);
  const to = Math.ceil(width * GUTTER_SEARCH[1]);
  for (let x = from; x <= to; x += 1) {
    if (bins[x]! <= allowed) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      if (!best || x - start > best.end - best.start) best = { start, end: x };
      start = -1;
    }
  }
  if (start >= 0 && (!best || to - start > best.end - best.start)) best = { start, end: to };
  if (!best || best.end - best.start < MIN_GUTTER_WIDTH) return null;
  const gutter = left + (best.start + best.end) / 2;
  const leftRows = segments.filter((s) => s.x1 <= gutter).length;
  const rightRows = segments.filter((s) => s.x0 >= gutter).length;
  return leftRows >= 3 && rightRows >= 3 ? gutter : null;
}

/** True columns carry their own sections; a margin of dates or labels carries none. */
function columnsHaveHeadings(segments: Segment[], gutter: number, isHeading: (line: string) => boolean): boolean {
  const headed = (side: Segment[]) => side.some((segment) => isHeading(textOf(segment)));
  return headed(segments.filter((s) => s.x1 <= gutter)) && headed(segments.filter((s) => s.x0 >= gutter));
}

/**
 * Rows spanning the gutter above the columns come first (the header), then the left column top to
 * bottom, then the right one, then any spanning rows below the columns (a footer).
 */
function readColumns(rows: Segment[][], gutter: number): Segment[][] {
  const spans = (row: Segment[]) => row.some((s) => s.x0 < gutter && s.x1 > gutter);
  const firstColumnRow = rows.findIndex((row) => !spans(row));
  const head: Segment[][] = [];
  const leftColumn: Segment[][] = [];
  const rightColumn: Segment[][] = [];
  const tail: Segment[][] = [];
  rows.forEach((row, index) => {
    if (spans(row)) {
      (index < firstColumnRow ? head : tail).push(row);
      return;
    }
    const leftPart = row.filter((s) => s.x1 <= gutter);
    const rightPart = row.filter((s) => s.x1 > gutter);
    if (leftPart.length) leftColumn.push(leftPart);
    if (rightPart.length) rightColumn.push(rightPart);
  });
  return [...head, ...leftColumn, ...rightColumn, ...tail];
}

/** The largest row in the top 40% of the page, when its text is clearly larger than the body's. */
function titleOf(rows: Segment[][], segments: Segment[]): string | undefined {
  const body = bodySize(segments);
  const top = Math.max(...segments.map((s) => s.y));
  const bottom = Math.min(...segments.map((s) => s.y));
  const limit = top - (top - bottom) * 0.4;
  let best: Segment | undefined;
  for (const row of rows) {
    for (const segment of row) {
      if (segment.y < limit || segment.size < body * 1.25) continue;
      if (!best || segment.size > best.size + 0.1) best = segment;
    }
  }
  return best ? textOf(best).trim() || undefined : undefined;
}

/** The font size of most characters. */
function bodySize(segments: Segment[]): number {
  const weight = new Map<number, number>();
  for (const segment of segments) {
    for (const item of segment.items) {
      const size = Math.round(item.size * 2) / 2;
      weight.set(size, (weight.get(size) ?? 0) + item.str.length);
    }
  }
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}

/** A segment's text: items joined with a space where the gap says so; letter-spaced runs joined into words. */
function textOf(segment: Segment): string {
  const items = segment.items;
  if (isLetterSpaced(items)) return letterSpacedText(items);
  let text = '';
  let end = Number.NaN;
  let previous: PositionedText | undefined;
  for (const item of items) {
    const str = clean(item.str);
    const gap = item.x - end;
    if (text && (gap > SPACE_GAP_EM * item.size || fontBreak(previous, item)) && !/\s$/.test(text) && !/^\s/.test(str)) text += ' ';
    text += str;
    end = item.x + item.width;
    previous = item;
  }
  return joinSpacedLetters(text.trim()).replace(/\s+/g, ' ');
}

/**
 * Two words of one size set in two fonts with nothing between them ("john" thin, "smith" bold, as
 * some name headers are): the font change is the word break. Both sides must be words of two letters
 * or more, so a capital drawn in another size (small caps) or a single styled letter stays joined.
 */
function fontBreak(previous: PositionedText | undefined, item: PositionedText): boolean {
  if (!previous?.font || !item.font || previous.font === item.font) return false;
  if (Math.abs(previous.size - item.size) > 0.1 * item.size) return false;
  return /\p{L}{2}$/u.test(previous.str) && /^\p{L}{2}/u.test(item.str);
}

/** Three or more items of one letter each: a heading or name set with letter spacing, drawn letter by letter. */
function isLetterSpaced(items: PositionedText[]): boolean {
  const letters = items.filter((item) => item.str.trim().length === 1);
  return letters.length >= 3 && letters.length >= items.filter((item) => item.str.trim()).length * 0.8;
}

/** Word breaks are the gaps clearly wider than the spacing between letters. */
function letterSpacedText(items: PositionedText[]): string {
  const glyphs = items.filter((item) => item.str.trim());
  const gaps = glyphs.slice(1).map((item, i) => item.x - (glyphs[i]!.x + glyphs[i]!.width));
  const sorted = [...gaps].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 4)] ?? 0;
  const size = glyphs[0]!.size;
  let text = glyphs[0]!.str.trim();
  glyphs.slice(1).forEach((item, i) => {
    if (gaps[i]! > typical + 0.2 * size) text += ' ';
    text += item.str.trim();
  });
  return text;
}

/** "J A N E  D O E" drawn as one string: single spaces between letters, wider ones between words. */
function joinSpacedLetters(text: string): string {
  if (!/^(?:\S ){2,}\S(?: {2,}(?:\S ?)+)*$/u.test(text)) return text;
  return text
    .split(/ {2,}/)
    .map((word) => word.replace(/ /g, ''))
    .join(' ');
}

/**
 * Icon fonts map glyphs to the Private Use Area (FontAwesome's envelope, phone…): no text. TeX
 * fonts map the hyphen glyph to U+00AD, which is a visible hyphen once drawn on a page.
 */
function clean(str: string): string {
  return str.replace(/[\ue000-\uf8ff\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ').replace(/\u00ad/g, '-');
}
