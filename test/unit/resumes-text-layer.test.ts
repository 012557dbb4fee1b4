import { PDFDocument, StandardFonts } from 'pdf-lib';
import { renderPageAsImage } from 'unpdf';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentTextExtractor } from '../../src/resumes/extract.ts';
import { PageOcr } from '../../src/resumes/ocr.ts';
import { openPdf } from '../../src/resumes/pdf.ts';
import { readableLine, unreadableTextLayer } from '../../src/resumes/text-layer.ts';
import { MIME } from '../helpers/resume-fixtures.ts';

/** A text layer as a font without a usable character map gives it: every character replaced by another, as a code page apart. */
const garble = (text: string) =>
  [...text].map((char) => (/[!-~]/.test(char) ? String.fromCharCode(33 + ((char.charCodeAt(0) - 33 + 47) % 94)) : char)).join('');

const resume = [
  'Mira Okafor',
  'mira.okafor@example.org | +44 20 7946 0321',
  'Experience',
  'Site Reliability Engineer, Harbourline Ltd, Mar 2019 - Present',
  'Kept the payment platform available across three regions, wrote the on-call runbooks',
  'and moved the deployment pipeline to GitHub Actions and Terraform.',
  'Education',
  'B.Sc. Computer Science, University of Leeds, 2015 - 2018',
  'Skills',
  'Python, Go, Kubernetes, PostgreSQL, C++, CI/CD, node.js',
];

describe('judging a PDF text layer', () => {
  it('reads ordinary resumes as writing, in any language and with codes, dates and links', () => {
    const text = (lines: string[]) => lines.join('\n');
    expect(unreadableTextLayer(text(resume), text(resume))).toBe(false);
    const german = [
      'Berufserfahrung',
      'Systemadministrator (m/w/d), Müller & Söhne GmbH, 06/2011 – 07/2015',
      'Dipl.-Ing. Elektrotechnik; Windows 7/8/10, x86-64, ISO-9001',
    ];
    expect(unreadableTextLayer(text([...german, ...german, ...german]), text([...german, ...german, ...german]))).toBe(false);
    const chinese = [
      '工作经历',
      '熟悉Python及C#；了解C/C++、Java、JavaScript等。',
      '2019.06 — 2021.07 后端开发工程师（Golang/Rust）',
      '熟练使用ArcGIS、QGIS、ENVI等专业软件；',
    ];
    expect(unreadableTextLayer(text([...chinese, ...chinese, ...chinese]), text([...chinese, ...chinese, ...chinese]))).toBe(false);
  });

  it('finds a layer garbled by a font without a character map, or made of unmapped glyphs', () => {
    const garbled = resume.map(garble).join('\n');
    expect(unreadableTextLayer(garbled, garbled)).toBe(true);
    const glyphs = '\ue001\ue002\ue003 \ue004\ue005\ue006\ue007 Mira \ue008\ue009\ue00a\ue00b';
    expect(unreadableTextLayer(glyphs, 'Mira')).toBe(true);
  });

  it('finds headings whose font maps its small capitals into Cyrillic letters, not a Greek symbol beside a Latin letter', () => {
    // As such a font gives "Software Engineer", "Education", "Work Experience": a Latin capital, then lower-case letters of another script.
    const smallCaps = ['SӚӑӟӢӌӝӐ EәӒӔәӐӐӝ', 'EӏӠӎӌӟӔӚә', 'WӚӝӖ & RӐӞӐӌӝӎӓ EӣӛӐӝӔӐәӎӐ'];
    const text = [...resume, ...smallCaps].join('\n');
    expect(unreadableTextLayer(text, text)).toBe(true);
    expect(readableLine('EӏӠӎӌӟӔӚә')).toBe(false);
    const physics = [...resume, 'Measured the αv coefficient and the ΤMN modes'].join('\n');
    expect(unreadableTextLayer(physics, physics)).toBe(false);
  });

  it('keeps only the lines of a garbled layer that hold no Latin word', () => {
    expect(readableLine('张伟')).toBe(true);
    expect(readableLine('Ç 建筑学本科  浙大城市学院- 杭州')).toBe(true);
    expect(readableLine(`简介, ${garble('booking website')}`)).toBe(false);
  });
});

/** A PNG of lines of text, drawn by PDF.js from a PDF in a standard font: no system font needed. */
async function picture(lines: string[], size: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, lines.length * size * 1.6 + size]);
  lines.forEach((line, index) => page.drawText(line, { x: 20, y: page.getHeight() - (index + 1) * size * 1.6, size, font }));
  const document = await openPdf(await pdf.save());
  try {
    return new Uint8Array(await renderPageAsImage(document, 1, { canvasImport: () => import('@napi-rs/canvas'), scale: 2 }));
  } finally {
    await document.loadingTask.destroy();
  }
}

/** A page showing `shown` as a picture, with `layer` as its (invisible) text layer. */
async function pdfWithPicture(shown: string[], layer: string[], options: { pictureTop?: boolean } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  const png = await pdf.embedPng(await picture(shown, 14));
  const height = (png.height / png.width) * 595;
  page.drawImage(png, { x: 0, y: options.pictureTop ? 842 - height : 842 - height - 200, width: 595, height });
  layer.forEach((line, index) => page.drawText(line, { x: 40, y: (options.pictureTop ? 842 - height : 842) - 30 - index * 16, size: 11, font }));
  return pdf.save();
}

describe('reading again by OCR', () => {
  const ocr = new PageOcr({ pageTimeoutMs: 300_000 });
  const withOcr = new DocumentTextExtractor({ ocr });
  const withoutOcr = new DocumentTextExtractor();
  afterAll(() => ocr.close());

  it('reads a page whose text layer is garbled by OCR, and says so; without OCR it asks for it', async () => {
    const bytes = await pdfWithPicture(resume, resume.map(garble), { pictureTop: true });
    const plain = await withoutOcr.extract({ bytes, contentType: MIME.pdf });
    expect(plain.ocrWanted).toBe('unreadable_text_layer');
    const read = await withOcr.extract({ bytes, contentType: MIME.pdf });
    expect(read.ocr?.pages).toBe(1);
    expect(read.text).toContain('mira.okafor@example.org');
    expect(read.text).not.toContain(garble('Experience'));
  }, 300_000);

  it('adds the contact lines of a contact block drawn as a picture to the text layer', async () => {
    const body = resume.filter((line) => !line.includes('@'));
    const bytes = await pdfWithPicture(['mira.okafor@example.org', 'Phone +44 20 7946 0321'], body);
    const plain = await withoutOcr.extract({ bytes, contentType: MIME.pdf });
    expect(plain.ocrWanted).toBe('no_contact_details');
    const read = await withOcr.extract({ bytes, contentType: MIME.pdf });
    expect(read.ocr?.pages).toBe(1);
    expect(read.text.split('\n').slice(0, body.length)).toEqual(body);
    expect(read.text).toContain('mira.okafor@example.org');
    // A text layer with contact details is read as it is, without OCR.
    expect((await withOcr.extract({ bytes: await pdfWithPicture(['Portfolio'], resume), contentType: MIME.pdf })).ocr).toBeUndefined();
  }, 300_000);
});
