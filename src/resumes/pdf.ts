import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocumentProxy } from 'unpdf';
import { layoutPage, type PositionedText } from './pdf-layout.ts';
import { OWN_LINK_TEXT, PROFILE_HOSTS } from './contact.ts';
import { headingKind } from './sections.ts';

/**
 * PDF.js's character maps and standard fonts, from the pdfjs-dist package: without the CMaps,
 * text in CID fonts without a ToUnicode table (most Chinese, Japanese and Korean PDFs) reads as
 * nothing.
 */
const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const RESOURCES = { cMapUrl: `${pdfjsRoot}/cmaps/`, cMapPacked: true, standardFontDataUrl: `${pdfjsRoot}/standard_fonts/` };

export interface PdfContent {
  text: string;
  /** Targets of the link annotations (icons, "LinkedIn" words): often the only place a URL is. */
  links: string[];
  pages: number;
}

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type LinkAnnotation = { subtype: string; url?: string; unsafeUrl?: string; rect: number[] };

/**
 * Whether a link annotation points at the candidate rather than at an employer, a school or a
 * paper: it sits on an icon or a handle, on words such as "LinkedIn" or "Portfolio", or in the
 * header of the first page (`pageTop` given for the first page only). A URL printed in full is
 * judged with the text (contact.ts).
 */
function isOwnLink(target: string, areas: number[][], items: PositionedText[], pageTop: number | null): boolean {
  if (!/^https?:\/\//i.test(target) || !URL.canParse(target) || !new URL(target).hostname.includes('.')) return false;
  const covered = areas
    .map(([x0, y0, x1, y1]) =>
      items
        .filter((item) => item.y >= y0! - 2 && item.y <= y1! + 2 && item.x + item.width >= x0! - 1 && item.x <= x1! + 1)
        .map((item) => item.str)
        .join(''),
    )
    .join(' ')
    .replace(/[\ue000-\uf8ff]/g, '')
    .trim();
  const y0 = Math.min(...areas.map((area) => area[1]!));
  const url = new URL(target);
  if (PROFILE_HOSTS.test(url.hostname) || covered.replace(/\s+/g, '').length <= 2 || OWN_LINK_TEXT.test(covered)) return true;
  // A handle: the text is the URL's path ("deedydas" on github.com/deedydas); an employer's name is its host.
  const handle = covered.replace(/^@/, '').replace(/\s+/g, '').toLowerCase();
  if (handle.length >= 3 && decodeURIComponent(url.pathname).toLowerCase().includes(handle)) return true;
  return pageTop !== null && y0 >= pageTop * 0.8;
}

export function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  // PDF.js may take ownership of the buffer it is given: hand it a copy.
  return getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, useSystemFonts: false, stopAtErrors: false, ...RESOURCES } as Parameters<
    typeof getDocumentProxy
  >[1]);
}

/** The text of every page in reading order (see pdf-layout.ts), and the link targets. */
export async function readPdf(pdf: PdfDocument): Promise<PdfContent> {
  const lines: string[] = [];
  const links = new Set<string>();
  let title: string | undefined;
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const content = await page.getTextContent();
    const items: PositionedText[] = [];
    for (const item of content.items) {
      if (!('str' in item) || !item.str) continue;
      const [a, b, c, d, x, y] = item.transform as number[];
      // Rotated text (a vertical sidebar label) is left out of the rows.
      if (Math.abs(b!) > Math.abs(a!) * 0.1) continue;
      items.push({ str: item.str, x: x!, y: y!, width: item.width, size: Math.hypot(c!, d!) || Math.abs(a!) });
    }
    const layout = layoutPage(items, (line) => headingKind(line) !== undefined);
    if (number === 1) title = layout.title;
    lines.push(...layout.lines);
    const [, , , pageTop] = page.view as number[];
    // One link is often several annotations (an icon and its words): judged together.
    const rects = new Map<string, number[][]>();
    for (const annotation of (await page.getAnnotations()) as LinkAnnotation[]) {
      const target = annotation.url ?? annotation.unsafeUrl;
      if (annotation.subtype === 'Link' && typeof target === 'string') rects.set(target, [...(rects.get(target) ?? []), annotation.rect]);
    }
    for (const [target, areas] of rects) if (isOwnLink(target, areas, items, number === 1 ? pageTop! : null)) links.add(target);
    page.cleanup();
  }
  // The name first, wherever the content stream drew it.
  if (title && !headingKind(title) && !lines.slice(0, 3).includes(title)) lines.unshift(title);
  return { text: lines.join('\n'), links: [...links], pages: pdf.numPages };
}
