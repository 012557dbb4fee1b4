import { PDFDocument, StandardFonts } from 'pdf-lib';
import yazl from 'yazl';

/** A small, ordinary PDF with a text layer. */
export async function makePdf(lines: string[] = ['Ada Lovelace', 'ada@example.test', 'Analytical engines since 1842']): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 18, size: 12, font }));
  return pdf.save();
}

/** A valid 1×1 PNG. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The start of a Windows executable: what a "resume.pdf" from an attacker may really be. */
export function fakeExecutable(size = 4096): Buffer {
  const bytes = Buffer.alloc(size, 0);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

/** The EICAR anti-virus test string (harmless; every engine detects it). */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** A ZIP of the given entries, built in memory. */
export function zipOf(entries: Array<{ name: string; bytes: Buffer | string }>, options: { compress?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.bytes), entry.name, { compress: options.compress ?? true });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * A ZIP whose every entry declares `declaredSize` uncompressed bytes, whatever it really inflates
 * to (the sizes are rewritten in the local headers and the central directory).
 */
export async function lyingZip(entries: Array<{ name: string; bytes: Buffer | string }>, declaredSize: number): Promise<Buffer> {
  const zip = await zipOf(entries);
  for (let at = zip.indexOf('PK\x03\x04', 0, 'latin1'); at !== -1; at = zip.indexOf('PK\x03\x04', at + 4, 'latin1')) zip.writeUInt32LE(declaredSize, at + 22);
  for (let at = zip.indexOf('PK\x01\x02', 0, 'latin1'); at !== -1; at = zip.indexOf('PK\x01\x02', at + 4, 'latin1')) zip.writeUInt32LE(declaredSize, at + 24);
  return zip;
}

/** A ZIP with one symbolic-link entry (Unix mode 120777) pointing at `target`, beside the given entries. */
export function zipWithSymlink(name: string, target: string, entries: Array<{ name: string; bytes: Buffer | string }> = []): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.bytes), entry.name);
  zip.addBuffer(Buffer.from(target), name, { mode: 0o120777 });
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const CONTENT_TYPES = (extra = '') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>${extra}</Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const documentXml = (text: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${text
    .split('\n')
    .map((line) => `<w:p><w:r><w:t xml:space="preserve">${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`)
    .join('')}</w:body></w:document>`;

/** A minimal DOCX, shaped like Word's output (settings with a local Normal.dotm template, a hyperlink), plus any extra parts. */
export function makeDocx(
  text: string,
  options: { extra?: Array<{ name: string; bytes: Buffer | string }>; documentRels?: string; settingsRels?: string; contentTypesExtra?: string } = {},
): Promise<Buffer> {
  const rels = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${body}</Relationships>`;
  return zipOf([
    { name: '[Content_Types].xml', bytes: CONTENT_TYPES(options.contentTypesExtra) },
    { name: '_rels/.rels', bytes: ROOT_RELS },
    { name: 'word/document.xml', bytes: documentXml(text) },
    { name: 'docProps/app.xml', bytes: '<?xml version="1.0"?><Properties><Application>Microsoft Office Word</Application></Properties>' },
    {
      name: 'word/_rels/document.xml.rels',
      bytes: rels(
        options.documentRels ??
          '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.linkedin.com/in/someone" TargetMode="External"/>',
      ),
    },
    {
      name: 'word/_rels/settings.xml.rels',
      bytes: rels(
        options.settingsRels ??
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\\Users\\me\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm" TargetMode="External"/>',
      ),
    },
    ...(options.extra ?? []),
  ]);
}

/** A PNG header declaring the given dimensions (a decompression bomb when they are huge). */
export function pngDeclaring(width: number, height: number): Buffer {
  const png = Buffer.from(PNG_1X1);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

/** A minimal PDF with the given raw objects (for active content the PDF libraries would not write). */
export function rawPdf(catalogExtra: string, extraObjects = ''): Buffer {
  return Buffer.from(
    `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${catalogExtra} >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n${extraObjects}trailer\n<< /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}
