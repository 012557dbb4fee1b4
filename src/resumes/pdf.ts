import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocumentProxy } from 'unpdf';
import { layoutPage, type PositionedText } from './pdf-layout.ts';
import { ownAnchor, PROFILE_HOSTS } from './contact.ts';
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
 * The link an annotation gives the candidate (contact.ts `ownAnchor`), judged on the text it
 * covers — the characters of each text run inside its rectangle, so that "Credential" at the end
 * of a line is not the whole line. "In the header" means near the top of the first page
 * (`headerBottom`, null on other pages). A URL printed in full is judged with the text (contact.ts). `bodyIcon`: an
 * icon below the header to a site that is no profile, kept only when it is the one such site (readPdf).
 */
function ownLink(target: string, areas: number[][], items: PositionedText[], headerBottom: number | null): { own: string | null; bodyIcon: boolean } {
  const covered = areas
    .map(([x0, y0, x1, y1]) =>
      items
        .filter((item) => item.y >= y0! - 2 && item.y <= y1! + 2 && item.x + item.width >= x0! - 1 && item.x <= x1! + 1)
        .map((item) => {
          // Characters are taken as evenly spaced over the run's width: enough to tell which words a rectangle covers.
          const step = item.width / Math.max(item.str.length, 1);
          return [...item.str].filter((_, i) => item.x + (i + 0.5) * step >= x0! - 1 && item.x + (i + 0.5) * step <= x1! + 1).join('');
        })
        .join(''),
    )
    .join(' ');
  const y0 = Math.min(...areas.map((area) => area[1]!));
  const inHeader = headerBottom !== null && y0 >= headerBottom;
  const own = ownAnchor(target, covered, inHeader);
  // An icon (no letters under it, or a stray one) below the header that goes to a site that is no profile.
  const bodyIcon = Boolean(own) && !inHeader && covered.replace(/[\ue000-\uf8ff\s]/g, '').length <= 2 && !PROFILE_HOSTS.test(new URL(own!).hostname);
  return { own, bodyIcon };
}

/**
 * Where the first page's header ends: the top fifth of the page, and above its first section
 * heading (a contact heading aside) — a job's link in a column that starts high is no contact link.
 */
function headerBottom(items: PositionedText[], pageTop: number): number {
  const headings = items.filter((item) => {
    const kind = headingKind(item.str);
    return kind !== undefined && kind !== 'contact';
  });
  return Math.max(pageTop * 0.8, ...headings.map((item) => item.y + item.size));
}

export function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  // PDF.js may take ownership of the buffer it is given: hand it a copy.
  return getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, useSystemFonts: false, stopAtErrors: false, ...RESOURCES });
}

/** The text of every page in reading order (see pdf-layout.ts), and the link targets. */
export async function readPdf(pdf: PdfDocument): Promise<PdfContent> {
  const lines: string[] = [];
  const links = new Set<string>();
  const bodyIcons = new Set<string>();
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
      items.push({ str: item.str, x: x!, y: y!, width: item.width, size: Math.hypot(c!, d!) || Math.abs(a!), font: item.fontName });
    }
    const layout = layoutPage(items, (line) => headingKind(line) !== undefined);
    if (number === 1) title = layout.title;
    lines.push(...layout.lines);
    const [, , , pageTop] = page.view;
    // One link is often several annotations (an icon and its words): judged together.
    const rects = new Map<string, number[][]>();
    for (const annotation of (await page.getAnnotations()) as LinkAnnotation[]) {
      const target = annotation.url ?? annotation.unsafeUrl;
      if (annotation.subtype === 'Link' && typeof target === 'string') rects.set(target, [...(rects.get(target) ?? []), annotation.rect]);
    }
    for (const [target, areas] of rects) {
      const { own, bodyIcon } = ownLink(target, areas, items, number === 1 ? headerBottom(items, pageTop!) : null);
      if (own) (bodyIcon ? bodyIcons : links).add(own);
    }
    page.cleanup();
  }
  // The name first, wherever the content stream drew it.
  if (title && !headingKind(title) && !lines.slice(0, 3).includes(title)) lines.unshift(title);
  // A candidate has one site of their own: icons in the body to the sites of several organisations are the entries'
  // links (an employer's, a school's beside each entry), not the candidate's.
  const bodySites = new Set([...bodyIcons].map((url) => new URL(url).hostname.replace(/^www\./, '')));
  if (bodySites.size === 1) for (const url of bodyIcons) links.add(url);
  return { text: lines.join('\n'), links: [...links], pages: pdf.numPages };
}
