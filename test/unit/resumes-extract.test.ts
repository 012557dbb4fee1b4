import { Readable } from 'node:stream';
import { Document, ExternalHyperlink, Packer, Paragraph, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import { PDFDocument, PDFString, StandardFonts } from 'pdf-lib';
import { DocumentTextExtractor } from '../../src/resumes/extract.ts';
import { ExtractionError } from '../../src/resumes/text-extractor.ts';
import { docxFromBody, docxResume, emptyDocx, MIME, pdfResume, pdfWithNul, scannedPdf, txtResume, type Layout } from '../helpers/resume-fixtures.ts';

const extractor = new DocumentTextExtractor();

const layout: Layout = {
  top: ['Zoë Müller', 'zoe@example.de | +49 30 901820'],
  side: ['# Skills', 'TypeScript', 'PostgreSQL'],
  main: ['# Experience', 'Engineer — Acme', 'Jan 2019 – Mar 2022'],
};

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ExtractionError);
  return (error as ExtractionError).reason;
}

describe('text extraction', () => {
  it('reads a one-column PDF line by line, with its page count', async () => {
    const { text, pages } = await extractor.extract({ bytes: await pdfResume(layout), contentType: MIME.pdf });
    expect(pages).toBe(1);
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['Zoë Müller', 'zoe@example.de | +49 30 901820', 'Experience', 'Jan 2019 – Mar 2022', 'TypeScript']),
    );
  });

  it('keeps the columns of a two-column PDF apart', async () => {
    for (const sideFirst of [true, false]) {
      const { text } = await extractor.extract({ bytes: await pdfResume(layout, { twoColumns: true, sideFirst }), contentType: MIME.pdf });
      const lines = text.split('\n');
      expect(lines).toContain('Skills');
      expect(lines).toContain('Engineer — Acme');
      expect(lines.indexOf('TypeScript')).toBe(lines.indexOf('Skills') + 1);
    }
  });

  it('reads every page of a long PDF', async () => {
    const long: Layout = { top: ['Ada Lovelace'], main: Array.from({ length: 120 }, (_, i) => `Line ${i + 1} of the work history`) };
    const { text, pages } = await extractor.extract({ bytes: await pdfResume(long), contentType: 'application/pdf; charset=binary' });
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain('Line 1 of the work history');
    expect(text).toContain('Line 120 of the work history');
  });

  it('reads DOCX paragraphs and tables', async () => {
    const flowing = await extractor.extract({ bytes: await docxResume(layout), contentType: MIME.docx });
    const table = await extractor.extract({ bytes: await docxResume(layout, { table: true }), contentType: MIME.docx });
    for (const { text, pages } of [flowing, table]) {
      expect(pages).toBeUndefined();
      expect(text.split('\n')).toEqual(expect.arrayContaining(['Zoë Müller', 'Experience', 'PostgreSQL', 'Jan 2019 – Mar 2022']));
    }
  });

  it("keeps a DOCX's own hyperlinks: above the first heading, on a handle or words such as GitHub, not on a co-author's name", async () => {
    const link = (text: string, url: string) => new ExternalHyperlink({ link: url, children: [new TextRun(text)] });
    const document = new Document({
      sections: [
        {
          children: [
            new Paragraph('Ada Lovelace'),
            new Paragraph({ children: [link('Ada Lovelace', 'https://osf.io/ada1'), new TextRun('  '), link('AdaL', 'https://x.com/AdaL')] }),
            new Paragraph('Experience'),
            new Paragraph({ children: [new TextRun('Paper with '), link('Jan Victor Dee', 'https://sites.google.com/view/janvictordee/home')] }),
            new Paragraph({ children: [new TextRun('Code on '), link('GitHub', 'https://github.com/ada')] }),
            new Paragraph({ children: [link('Analytical Engine', 'https://engines.example.org/analytical')] }),
          ],
        },
      ],
    });
    const { links } = await extractor.extract({ bytes: await Packer.toBuffer(document), contentType: MIME.docx });
    expect(links.sort()).toEqual(['https://github.com/ada', 'https://osf.io/ada1', 'https://x.com/AdaL']);
  });

  it('reads plain text in UTF-8 (with or without a byte-order mark), UTF-16 and Windows-1252, from bytes or a stream', async () => {
    const utf8 = txtResume(layout, { crlf: true });
    const expected = (await extractor.extract({ bytes: utf8, contentType: MIME.txt })).text;
    expect(expected).not.toContain('\r');
    expect(expected.startsWith('Zoë Müller\nzoe@example.de')).toBe(true);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8.toString('utf8'), 'utf16le')]);
    for (const bytes of [withBom, utf16]) expect((await extractor.extract({ bytes, contentType: MIME.txt })).text).toBe(expected);
    const streamed = await extractor.extract({ stream: Readable.from([utf8.subarray(0, 10), utf8.subarray(10)]), contentType: 'text/plain; charset=utf-8' });
    expect(streamed.text).toBe(expected);
    const latin = (await extractor.extract({ bytes: txtResume(layout, { windows1252: true }), contentType: MIME.txt })).text;
    expect(latin).toContain('Zoë Müller');
    expect(latin).toContain('Jan 2019 – Mar 2022');
  });

  it('strips NUL and other control characters from a text layer (PostgreSQL refuses NUL in text)', async () => {
    const { text } = await extractor.extract({ bytes: await pdfWithNul(), contentType: MIME.pdf });
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(text).toContain('Python, Kubernetes');
  });

  it('says no_text for a scanned image and an empty DOCX', async () => {
    expect(await failure(extractor.extract({ bytes: await scannedPdf(), contentType: MIME.pdf }))).toBe('no_text');
    expect(await failure(extractor.extract({ bytes: await emptyDocx(), contentType: MIME.docx }))).toBe('no_text');
    expect(await failure(extractor.extract({ bytes: Buffer.from('  \n 12 \n'), contentType: MIME.txt }))).toBe('no_text');
  });

  it('says unreadable for corrupt files, unsupported_type and too_large otherwise', async () => {
    const pdf = await pdfResume(layout);
    expect(await failure(extractor.extract({ bytes: Buffer.from('%PDF-1.7 not really'), contentType: MIME.pdf }))).toBe('unreadable');
    expect(await failure(extractor.extract({ bytes: Buffer.from('PK\u0003\u0004 broken zip'), contentType: MIME.docx }))).toBe('unreadable');
    expect(await failure(extractor.extract({ bytes: pdf, contentType: MIME.docx }))).toBe('unreadable');
    expect(await failure(extractor.extract({ bytes: pdf, contentType: 'application/msword' }))).toBe('unsupported_type');
    const small = new DocumentTextExtractor({ maxBytes: 100 });
    expect(await failure(small.extract({ bytes: pdf, contentType: MIME.pdf }))).toBe('too_large');
    expect(await failure(small.extract({ stream: Readable.from([pdf]), contentType: MIME.pdf }))).toBe('too_large');
  });

  it('settles on truncated PDFs and many documents at once, in this process', async () => {
    const pdf = await pdfResume(layout);
    const truncated = [0.3, 0.6, 0.9].map((share) => pdf.subarray(0, Math.floor(pdf.length * share)));
    const results = await Promise.allSettled(
      [...truncated, ...Array.from({ length: 20 }, () => pdf)].map((bytes) => extractor.extract({ bytes, contentType: MIME.pdf })),
    );
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ExtractionError);
    expect(results.slice(3).every((result) => result.status === 'fulfilled')).toBe(true);
    // The caller's bytes are left as they were.
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 30_000);
});

describe('text normalization', () => {
  it('keeps a tilde drawn as an accent glyph after a slash as the tilde of a path, and still joins accents to letters', async () => {
    const printed = 'Página web: http://cs.example.edu/\u02dcada\nSoluci\u00b4on';
    const { text } = await extractor.extract({ bytes: Buffer.from(printed, 'utf8'), contentType: 'text/plain' });
    expect(text).toContain('http://cs.example.edu/~ada');
    expect(text).toContain('Solución');
  });
});

describe('TeX accents', () => {
  it('drops an accent left standing without its letter, and puts a grave accent drawn as a backquote on its vowel', async () => {
    const printed = 'EXPERIENCE CLINIQUE \u00b4\nTh`ese de doctorat, Coll`ege Notre-Dame\nParticipation `a la prise en charge';
    const { text } = await extractor.extract({ bytes: Buffer.from(printed, 'utf8'), contentType: 'text/plain' });
    expect(text.split('\n')).toEqual(['EXPERIENCE CLINIQUE', 'Thèse de doctorat, Collège Notre-Dame', 'Participation à la prise en charge']);
  });
});

describe('DOCX tracked changes', () => {
  it('reads a document as it looks with its changes accepted: no deleted or moved-away runs, insertions kept', async () => {
    const run = (text: string) => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
    const body =
      `<w:p>${run('Noor Haddad')}</w:p>` +
      `<w:p>${run('linkedin.com/in/')}<w:del w:id="1" w:author="N"><w:r><w:delText>noor-haddad-83a1</w:delText></w:r></w:del>` +
      `<w:ins w:id="2" w:author="N">${run('noorhaddad')}</w:ins></w:p>` +
      `<w:p><w:moveFrom w:id="3" w:author="N">${run('Cartographer, Atlas Maps  2012 – 2014')}</w:moveFrom></w:p>` +
      `<w:p>${run('Experience')}</w:p>` +
      `<w:p><w:moveTo w:id="4" w:author="N">${run('Cartographer, Atlas Maps  2012 – 2014')}</w:moveTo></w:p>`;
    const { text } = await extractor.extract({ bytes: docxFromBody(body), contentType: MIME.docx });
    expect(text.split('\n')).toEqual(['Noor Haddad', 'linkedin.com/in/noorhaddad', 'Experience', 'Cartographer, Atlas Maps  2012 – 2014']);
  });
});

describe('PDF icon links', () => {
  /** A one-page PDF: a header, an Experience heading, entries, and a link icon (a box over no text) beside some of them. */
  async function pdfWithIcons(targets: string[]): Promise<Buffer> {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([612, 792]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    page.drawText('Noor Haddad', { x: 50, y: 740, size: 20, font });
    page.drawText('noor@mail.example', { x: 50, y: 715, size: 10, font });
    page.drawText('Experience', { x: 50, y: 600, size: 14, font });
    targets.forEach((target, index) => {
      const y = 570 - index * 40;
      page.drawText(`Surveyor, Firm ${index + 1}  2019 - 2021`, { x: 50, y, size: 10, font });
      const link = pdf.context.obj({
        Type: 'Annot',
        Subtype: 'Link',
        Rect: [400, y - 2, 410, y + 8],
        Border: [0, 0, 0],
        A: { S: 'URI', URI: PDFString.of(target) },
      });
      page.node.addAnnot(pdf.context.register(link));
    });
    return Buffer.from(await pdf.save());
  }

  it("takes icons in the body to several organisations' sites for the entries' links, and one to a single site for the candidate's", async () => {
    const several = await extractor.extract({
      bytes: await pdfWithIcons(['https://www.firm-one.example.com/', 'https://firm-two.example.org/', 'https://github.com/noorh']),
      contentType: MIME.pdf,
    });
    expect(several.links).toEqual(['https://github.com/noorh']);
    const one = await extractor.extract({ bytes: await pdfWithIcons(['https://noorhaddad.example.net/']), contentType: MIME.pdf });
    expect(one.links).toEqual(['https://noorhaddad.example.net/']);
  });
});

describe('DOCX text boxes', () => {
  it('reads text boxes anchored in one paragraph column by column, each top to bottom, whatever their order in the file', async () => {
    const box = (x: number, y: number, lines: string[]) =>
      `<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">` +
      `<wp:positionH relativeFrom="column"><wp:posOffset>${x}</wp:posOffset></wp:positionH>` +
      `<wp:positionV relativeFrom="paragraph"><wp:posOffset>${y}</wp:posOffset></wp:positionV>` +
      `<wps:txbx><w:txbxContent>${lines.map((line) => `<w:p><w:r><w:t>${line}</w:t></w:r></w:p>`).join('')}</w:txbxContent></wps:txbx></wp:anchor>`;
    const body =
      '<w:p><w:r><w:drawing>' +
      box(2_300_000, 0, ['Profile', 'Geologist who maps karst aquifers.']) +
      box(-80_000, 3_900_000, ['Contact', 'noor@mail.example']) +
      box(-70_000, 240_000, ['Noor Haddad']) +
      '</w:drawing></w:r></w:p>';
    const { text } = await extractor.extract({ bytes: docxFromBody(body), contentType: MIME.docx });
    expect(text.split('\n')).toEqual(['Noor Haddad', 'Contact', 'noor@mail.example', 'Profile', 'Geologist who maps karst aquifers.']);
  });
});
