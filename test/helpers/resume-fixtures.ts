import { crc32, deflateSync } from 'node:zlib';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { PDFDocument, PDFHexString, PDFOperator, PDFOperatorNames as Ops, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

/**
 * Resumes built in the tests themselves: PDFs (pdf-lib; one column, two columns, several pages,
 * a scan without text), DOCX (the docx package; paragraphs, a two-column table, an empty one) and
 * plain text (UTF-8, Windows line ends, Windows-1252). And the labeled set: people of many
 * origins, each with the fields a parser should find written next to them.
 */

/** What "present" means in the labeled set. */
export const NOW = new Date('2026-11-01T00:00:00Z');

export const MIME = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
} as const;

/** A document's content: lines across the top, then a main column and an optional sidebar. */
export interface Layout {
  top: string[];
  main: string[];
  side?: string[];
}

const isHeading = (line: string) => line.startsWith('# ');
const plainLine = (line: string) => (isHeading(line) ? line.slice(2) : line);

/** A PDF with a text layer in the standard Helvetica font (so names must fit Windows-1252). */
export async function pdfResume(layout: Layout, options: { twoColumns?: boolean; sideFirst?: boolean } = {}): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([595, 842]);
  let y = 800;
  const write = (target: PDFPage, line: string, x: number, at: number, size: number, font: PDFFont = regular) => {
    if (line) target.drawText(plainLine(line), { x, y: at, size, font: isHeading(line) ? bold : font });
  };
  layout.top.forEach((line, index) => {
    write(page, line, 50, y, index === 0 ? 18 : 10, index === 0 ? bold : regular);
    y -= index === 0 ? 24 : 14;
  });
  y -= 10;
  const columnTop = y;
  // The main column flows onto further pages; a sidebar stays on the first page. In one column,
  // the sidebar's lines follow the main ones.
  const main = options.twoColumns ? layout.main : [...layout.main, '', ...(layout.side ?? [])];
  const drawMain = () => {
    let at = columnTop;
    let target = page;
    for (const line of main) {
      if (at < 60) {
        target = pdf.addPage([595, 842]);
        at = 800;
      }
      write(target, line, options.twoColumns ? 210 : 50, at, 10);
      at -= 14;
    }
  };
  const drawSide = () => (layout.side ?? []).forEach((line, index) => write(page, line, 40, columnTop - index * 13, 9));
  if (options.twoColumns && options.sideFirst) drawSide();
  drawMain();
  if (options.twoColumns && !options.sideFirst) drawSide();
  return Buffer.from(await pdf.save());
}

const paragraphs = (lines: string[]) =>
  lines.map((line) =>
    isHeading(line) ? new Paragraph({ text: plainLine(line), heading: HeadingLevel.HEADING_2 }) : new Paragraph({ children: [new TextRun(line)] }),
  );

/** A DOCX: the top as paragraphs, then the columns side by side in a table, or one after the other. */
export async function docxResume(layout: Layout, options: { table?: boolean } = {}): Promise<Buffer> {
  const cell = (lines: string[], width: number) => new TableCell({ width: { size: width, type: WidthType.PERCENTAGE }, children: paragraphs(lines) });
  const body =
    options.table && layout.side
      ? [new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [new TableRow({ children: [cell(layout.side, 30), cell(layout.main, 70)] })] })]
      : paragraphs([...layout.main, ...(layout.side ?? [])]);
  const document = new Document({ sections: [{ children: [...paragraphs(layout.top), ...body] }] });
  return Packer.toBuffer(document);
}

/** Plain text, optionally with Windows line ends or in Windows-1252, as older Windows editors save it. */
export function txtResume(layout: Layout, options: { crlf?: boolean; windows1252?: boolean } = {}): Buffer {
  const text = [...layout.top, '', ...layout.main, '', ...(layout.side ?? [])].map(plainLine).join(options.crlf ? '\r\n' : '\n');
  return options.windows1252 ? windows1252(text) : Buffer.from(text, 'utf8');
}

// The punctuation Windows-1252 has where Latin-1 has control characters.
const CP1252: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  œ: 0x9c,
  Œ: 0x8c,
};

function windows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((char) => {
      const code = CP1252[char] ?? char.codePointAt(0)!;
      if (code > 0xff) throw new Error(`${char} is not in Windows-1252`);
      return code;
    }),
  );
}

/** A scanned resume: one page holding only an image, no text layer. */
export async function scannedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const image = await pdf.embedPng(greyPng(120, 160));
  page.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  return Buffer.from(await pdf.save());
}

/** A text PDF one of whose runs holds NUL bytes, as some Word-made PDFs do ("Skills\0\0: Python"). */
export async function pdfWithNul(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText('Ada Lovelace', { x: 50, y: 780, size: 18, font });
  page.drawText('ada@example.com | +44 20 7946 0958', { x: 50, y: 760, size: 10, font });
  const fontKey = page.node.normalizedEntries().Font.keys()[0]!;
  const number = (n: number) => pdf.context.obj(n);
  page.pushOperators(
    PDFOperator.of(Ops.BeginText),
    PDFOperator.of(Ops.SetFontAndSize, [fontKey, number(10)]),
    PDFOperator.of(Ops.MoveText, [number(50), number(730)]),
    PDFOperator.of(Ops.ShowText, [PDFHexString.of(Buffer.from('Skills\0\0: Python, Kubernetes').toString('hex'))]),
    PDFOperator.of(Ops.EndText),
  );
  return Buffer.from(await pdf.save());
}

/**
 * A DOCX whose body is the given WordprocessingML, for markup the docx package does not write (moved
 * and deleted runs of tracked changes): a ZIP of stored entries.
 */
export function docxFromBody(body: string): Buffer {
  const files: Array<[string, string]> = [
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ],
    [
      'word/document.xml',
      `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ],
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of files) {
    const [data, fileName] = [Buffer.from(text, 'utf8'), Buffer.from(name, 'utf8')];
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A DOCX with no paragraphs at all. */
export function emptyDocx(): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [] }] }));
}

/** A greyscale PNG with stripes, like a page of text seen from afar. */
function greyPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc((width + 1) * height, 0xff);
  for (let row = 0; row < height; row += 1) {
    rows[row * (width + 1)] = 0;
    if (row % 6 < 2) rows.fill(0x30, row * (width + 1) + 10, row * (width + 1) + width - 10 - (row % 30));
  }
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
