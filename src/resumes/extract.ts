import mammoth from 'mammoth';
import { extractText as extractPdfText, getDocumentProxy } from 'unpdf';

export type Extraction = { ok: true; text: string } | { ok: false; reason: 'no_text' | 'unreadable' | 'unsupported_type' };

/**
 * Plain text from a resume: PDF (unpdf, PDF.js), DOCX (mammoth) or TXT. A document with no text
 * layer (a scanned image) yields `no_text`; a document the parser cannot read yields `unreadable`.
 */
export async function extractText(bytes: Buffer, contentType: string): Promise<Extraction> {
  let text: string;
  try {
    switch (contentType) {
      case 'application/pdf': {
        const pdf = await getDocumentProxy(new Uint8Array(bytes));
        text = (await extractPdfText(pdf, { mergePages: true })).text;
        await pdf.cleanup();
        break;
      }
      case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
        text = (await mammoth.extractRawText({ buffer: bytes })).value;
        break;
      case 'text/plain':
        text = bytes.toString('utf8');
        break;
      default:
        return { ok: false, reason: 'unsupported_type' };
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const normalized = text.replace(/\r\n?/g, '\n').replace(/[ \t\u00a0]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  return normalized.length < 20 ? { ok: false, reason: 'no_text' } : { ok: true, text: normalized };
}
