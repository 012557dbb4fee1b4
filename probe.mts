import { readFileSync } from 'node:fs';
import { getDocumentProxy } from 'unpdf';
import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(import.meta.url);
const base = path.dirname(require.resolve('pdfjs-dist/package.json'));
const pdf = await getDocumentProxy(new Uint8Array(readFileSync(process.argv[2]!)), {
  verbosity: 0,
  cMapUrl: base + '/cmaps/',
  cMapPacked: true,
  standardFontDataUrl: base + '/standard_fonts/',
} as any);
const page = await pdf.getPage(1);
const tc = await page.getTextContent();
for (const it of tc.items.slice(0, 12) as any[])
  console.log(JSON.stringify({ s: it.str, t: it.transform.map((n: number) => Math.round(n * 10) / 10), w: Math.round(it.width), f: it.fontName }));
const ann = await page.getAnnotations();
console.log(ann.filter((a: any) => a.subtype === 'Link').map((a: any) => [a.url, a.unsafeUrl, a.rect?.map(Math.round)]));
