import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { readZipEntries } from '../scan/active-content/index.ts';
import { ownAnchor } from './contact.ts';
import { headingKind } from './sections.ts';

/**
 * The text of a DOCX as a reader sees it: the page header first (contact blocks often live there),
 * then the body — paragraphs, table cells side by side, text boxes — then the footer; plus the
 * targets of the hyperlinks that are the candidate's own (in the header or footer, or on words
 * such as "LinkedIn" or an icon: a link on an employer's name is not). WordprocessingML is walked directly (w:p, w:t, w:tab, w:br, w:tc):
 * general converters read the body only.
 */
export interface DocxContent {
  text: string;
  links: string[];
}

const PART = /^word\/(?:document|header\d*|footer\d*)\.xml$/;
const RELS = /^word\/_rels\/(?:document|header\d*|footer\d*)\.xml\.rels$/;
/** Parts are XML of a resume: a few hundred KB at most; a larger one is not read. */
const MAX_PART_BYTES = 8 * 1024 * 1024;

export async function readDocx(bytes: Buffer): Promise<DocxContent> {
  const parts = await readZipEntries(bytes, (name) => PART.test(name) || RELS.test(name), MAX_PART_BYTES);
  if (!parts.has('word/document.xml')) throw new Error('no word/document.xml');
  const order = (name: string) => (name.includes('header') ? 0 : name.includes('document') ? 1 : 2);
  const names = [...parts.keys()].filter((name) => PART.test(name)).sort((a, b) => order(a) - order(b) || a.localeCompare(b, 'en', { numeric: true }));
  const paragraphs: string[] = [];
  const links = new Set<string>();
  const seen = new Set<string>();
  for (const name of names) {
    const anchors: Anchor[] = [];
    for (const paragraph of partText(parts.get(name)!.toString('utf8'), anchors)) {
      // Word repeats a header per section (first page, even pages): keep one copy.
      if (name !== 'word/document.xml' && seen.has(paragraph)) continue;
      seen.add(paragraph);
      paragraphs.push(paragraph);
    }
    const rels = parts.get(name.replace(/^word\//, 'word/_rels/') + '.rels');
    const targets = rels ? externalTargets(rels.toString('utf8')) : new Map<string, string>();
    const headerOrFooter = name !== 'word/document.xml';
    for (const anchor of anchors) {
      const target = anchor.target ?? targets.get(anchor.id ?? '');
      // The candidate's own links: in the page header or footer or above the first heading (the contact block), or on an icon, a handle or words such as "LinkedIn".
      const own = target && ownAnchor(target, anchor.text, headerOrFooter || anchor.beforeHeading);
      if (own) links.add(own);
    }
  }
  return { text: paragraphs.join('\n'), links: [...links] };
}

/** A hyperlink: by relationship id (w:hyperlink) or by target (a HYPERLINK field), with the text it is on. */
interface Anchor {
  id?: string;
  target?: string;
  text: string;
  /** Whether it comes before the part's first section heading. */
  beforeHeading: boolean;
}

/** Paragraph texts of one part; its hyperlinks go to `anchors`. */
function partText(xml: string, anchors: Anchor[]): string[] {
  const document = new DOMParser({ onError: ignoreMalformed }).parseFromString(xml, 'application/xml');
  const paragraphs: string[] = [];
  let current = '';
  let headingSeen = false;
  // Text boxes anchored in the paragraph being read, with their place on the page, read once it ends (anchoredOrder).
  let anchored: Anchored[] | undefined;
  // A HYPERLINK field's text runs from its instruction to the field's end.
  let field: Anchor | undefined;
  const visit = (node: Node) => {
    const element = node as Element;
    const name = element.nodeName;
    // A paragraph inside a paragraph (a text box anchored in it) is a paragraph of its own.
    const outer = name === 'w:p' ? current : '';
    if (name === 'w:p') current = '';
    // Alternate content is drawn once (the DrawingML choice); its VML fallback repeats the same text.
    if (name === 'mc:Fallback') return;
    // Tracked changes read as accepted: deleted runs and the old place of moved text are not there; insertions are.
    if (name === 'w:del' || name === 'w:delText' || name === 'w:moveFrom' || name === 'w:delInstrText') return;
    if (name === 'w:t') {
      current += element.textContent ?? '';
      if (field) field.text += element.textContent ?? '';
    } else if (name === 'w:fldChar' && element.getAttribute('w:fldCharType') === 'end') field = undefined;
    else if (name === 'w:tab' || name === 'w:ptab') current += '\t';
    else if (name === 'w:br' || name === 'w:cr') current += '\n';
    else if (name === 'w:noBreakHyphen') current += '-';
    else if (name === 'w:instrText') {
      const link = /HYPERLINK\s+"([^"]+)"/.exec(element.textContent ?? '');
      if (link) {
        field = { target: link[1]!, text: '', beforeHeading: !headingSeen };
        anchors.push(field);
      }
      return;
    } else if (name === 'w:hyperlink') {
      const id = element.getAttribute('r:id');
      if (id) anchors.push({ id, text: element.textContent ?? '', beforeHeading: !headingSeen });
    } else if (name === 'wp:anchor' && anchored) {
      const before = paragraphs.length;
      for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
      const lines = paragraphs.splice(before);
      if (lines.length > 0) anchored.push({ x: offset(element, 'wp:positionH'), y: offset(element, 'wp:positionV'), lines });
      return;
    }
    const outermost = name === 'w:p' && !anchored;
    if (outermost) anchored = [];
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
    if (outermost) {
      paragraphs.push(...anchoredOrder(anchored!));
      anchored = undefined;
    }
    if (name === 'w:p') {
      if (headingKind(current)) headingSeen = true;
      paragraphs.push(...current.split('\n'));
      current = outer;
    } else if (name === 'w:tc') current += '\t';
  };
  // Cells of a table row are read side by side, as a row: "2019 – 2021⇥Engineer, Acme".
  const visitRow = (node: Node) => {
    const element = node as Element;
    if (element.nodeName !== 'w:tr') return visit(node);
    const cells: string[] = [];
    for (let cell = node.firstChild; cell; cell = cell.nextSibling) {
      if (cell.nodeName !== 'w:tc') continue;
      const before = paragraphs.length;
      visit(cell);
      cells.push(paragraphs.splice(before).join('\n'));
    }
    // A row of single-line cells is one line; cells of many lines (a two-column layout) stay lines of their own.
    if (cells.every((cell) => !cell.includes('\n'))) paragraphs.push(cells.filter(Boolean).join('\t'));
    else for (const cell of cells) paragraphs.push(...cell.split('\n'));
  };
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeName === 'w:tr') visitRow(child);
      else if (child.nodeName === 'w:p' || child.nodeName === 'mc:Fallback') visit(child);
      else walk(child);
    }
  };
  walk(document);
  return paragraphs.map((line) => line.replace(/\s+$/, '')).filter((line) => line.trim() !== '');
}

/** A text box anchored in a paragraph: its offsets from the anchor (EMU; NaN when aligned instead) and its lines. */
interface Anchored {
  x: number;
  y: number;
  lines: string[];
}

function offset(anchor: Element, axis: 'wp:positionH' | 'wp:positionV'): number {
  const value = anchor.getElementsByTagName(axis).item(0)?.getElementsByTagName('wp:posOffset').item(0)?.textContent;
  return value ? Number(value) : Number.NaN;
}

/** One inch in EMU: text boxes whose left edges lie closer than this are one column. */
const COLUMN_EMU = 914_400;

/**
 * The lines of the text boxes anchored in one paragraph, in reading order: a page laid out in text boxes (a
 * sidebar and a main column) is written in any order, so columns are read left to right, each top to bottom —
 * the name at the top of the sidebar comes before the main column's sections. Boxes placed by alignment rather
 * than by offsets keep the document's order.
 */
function anchoredOrder(boxes: Anchored[]): string[] {
  if (boxes.length < 2 || boxes.some((box) => Number.isNaN(box.x) || Number.isNaN(box.y))) return boxes.flatMap((box) => box.lines);
  const columns: Anchored[][] = [];
  for (const box of [...boxes].sort((a, b) => a.x - b.x)) {
    const column = columns.at(-1);
    if (column && box.x - column[0]!.x < COLUMN_EMU) column.push(box);
    else columns.push([box]);
  }
  return columns.flatMap((column) => column.sort((a, b) => a.y - b.y).flatMap((box) => box.lines));
}

/** Relationship id → target, for the external hyperlinks of a part. */
function externalTargets(xml: string): Map<string, string> {
  const document = new DOMParser({ onError: ignoreMalformed }).parseFromString(xml, 'application/xml');
  const targets = new Map<string, string>();
  const relationships = document.getElementsByTagName('Relationship');
  for (let i = 0; i < relationships.length; i += 1) {
    const relationship = relationships.item(i)!;
    const target = relationship.getAttribute('Target');
    if (target && relationship.getAttribute('TargetMode') === 'External' && /\/hyperlink$/.test(relationship.getAttribute('Type') ?? '')) {
      targets.set(relationship.getAttribute('Id') ?? '', target);
    }
  }
  return targets;
}

/** Word's XML is well formed; what is not is read as far as it goes (a fatal error still throws: unreadable). */
function ignoreMalformed(): void {}
