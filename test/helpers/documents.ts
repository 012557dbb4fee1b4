import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small, ordinary PDF with a text layer. */
export async function makePdf(lines: string[] = ['Ada Lovelace', 'ada@example.test', 'Analytical engines since 1842']): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 18, size: 12, font }));
  return pdf.save();
}

/** A valid 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

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
