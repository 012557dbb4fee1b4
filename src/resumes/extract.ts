import { EMAIL } from './contact.ts';
import { readDocx } from './docx.ts';
import type { PageOcr } from './ocr.ts';
import { openPdf, readPdf } from './pdf.ts';
import { findPhones } from './phone.ts';
import { readableLine, unreadableTextLayer } from './text-layer.ts';
import { ExtractionError, type ExtractedText, type ExtractInput, type TextExtractor } from './text-extractor.ts';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Fewer letters than this is a watermark or a page number, not a resume ("Scanned by …"). */
const MIN_LETTERS = 16;

export interface ExtractorOptions {
  /** Resumes are at most 10 MB; parsers need random access, so the whole file is read into memory. */
  maxBytes?: number;
  /** PDF.js runs in this process; a document that stalls it is given up as unreadable. */
  timeoutMs?: number;
  /**
   * Reads PDFs without a text layer (scans) by OCR; without it they are `no_text`. Also rereads a
   * garbled text layer, and the first page of a PDF whose text holds no contact details; without
   * it such a PDF's text is returned with `ocrWanted`.
   */
  ocr?: PageOcr;
}

/**
 * Text from PDF (PDF.js through unpdf, in-process, lines rebuilt from positions: pdf.ts), DOCX
 * (headers, body, text boxes and footers: docx.ts) and plain text (UTF-8, else Windows-1252),
 * with the link targets the document carries. The text is normalized (NFKC: ligatures become
 * letters; NUL and other control characters removed; line breaks kept, runs of spaces collapsed,
 * a gap of two or more kept as a column gap).
 */
export class DocumentTextExtractor implements TextExtractor {
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly ocr: PageOcr | undefined;

  constructor(options: ExtractorOptions = {}) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.ocr = options.ocr;
  }

  async extract(input: ExtractInput): Promise<ExtractedText> {
    const type = input.contentType.split(';')[0]!.trim().toLowerCase();
    if (type !== PDF && type !== DOCX && type !== 'text/plain') throw new ExtractionError('unsupported_type', type);
    const bytes = input.bytes ?? (await this.readAll(input));
    if (bytes.length > this.maxBytes) throw new ExtractionError('too_large', `${bytes.length} bytes`);
    const extracted = type === PDF ? await this.pdf(bytes) : type === DOCX ? await docx(bytes) : { text: plain(bytes), links: [] };
    const text = normalizeText(extracted.text);
    if (letters(text) < MIN_LETTERS) {
      if (type === PDF && this.ocr) return this.scanned(bytes);
      throw new ExtractionError('no_text');
    }
    const links = extracted.links.map(normalizeText).filter(Boolean);
    if (type !== PDF) return { ...extracted, text, links };
    const ocrWanted = unreadableTextLayer(extracted.text, text) ? 'unreadable_text_layer' : hasContactDetails(text) ? undefined : 'no_contact_details';
    if (!ocrWanted) return { ...extracted, text, links };
    if (!this.ocr) return { ...extracted, text, links, ocrWanted };
    return ocrWanted === 'unreadable_text_layer' ? this.reread(bytes, text, links) : this.contactFromImage(bytes, text, links);
  }

  /** A PDF without a text layer, read by OCR. */
  private async scanned(bytes: Uint8Array): Promise<ExtractedText> {
    return this.withOcr(bytes, {}, (text, pages) => {
      if (letters(text) < MIN_LETTERS) throw new ExtractionError('no_text', 'nothing legible on the page images');
      return { text, links: [], pages };
    });
  }

  /**
   * A PDF whose text layer is garbled (fonts without a usable character map, text-layer.ts), read
   * by OCR: the lines of the layer that read as writing (a name in another script, which the
   * English OCR model cannot read) come first, then what OCR reads on the pages. When OCR fails,
   * the text layer is all there is.
   */
  private reread(bytes: Uint8Array, layer: string, links: string[]): Promise<ExtractedText> {
    const kept = layer.split('\n').filter((line) => line && readableLine(line));
    return this.withOcr(bytes, {}, (text, pages) => ({ text: [...kept, text].join('\n'), links, pages })).catch(() => ({ text: layer, links }));
  }

  /**
   * A PDF whose text gives neither an email address nor a phone number: contact blocks are often
   * a picture (a designed header pasted as an image). The lines of the first page's OCR that hold
   * an address or a number are added after the text layer, which is otherwise kept as it is (and
   * alone when OCR fails).
   */
  private contactFromImage(bytes: Uint8Array, layer: string, links: string[]): Promise<ExtractedText> {
    return this.withOcr(bytes, { pages: 1 }, (text, pages) => {
      const contact = text.split('\n').filter(hasContactDetails);
      return { text: contact.length ? `${layer}\n${contact.join('\n')}` : layer, links, pages };
    }).catch(() => ({ text: layer, links }));
  }

  private async withOcr(
    bytes: Uint8Array,
    options: { pages?: number },
    build: (text: string, pages: number) => Omit<ExtractedText, 'ocr'>,
  ): Promise<ExtractedText> {
    const pdf = await openPdf(bytes).catch((error: unknown) => {
      throw new ExtractionError('unreadable', (error as Error).message);
    });
    try {
      const result = await this.ocr!.recognize(pdf, options);
      return { ...build(normalizeText(result.text), pdf.numPages), ocr: { secondsPerPage: result.secondsPerPage, pages: result.pages } };
    } catch (error) {
      throw error instanceof ExtractionError ? error : new ExtractionError('unreadable', `OCR failed: ${(error as Error).message}`);
    } finally {
      void pdf.loadingTask.destroy().catch(() => undefined);
    }
  }

  private async readAll(input: ExtractInput): Promise<Uint8Array> {
    if (!input.stream) throw new TypeError('extract needs bytes or a stream');
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of input.stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > this.maxBytes) {
        input.stream.destroy();
        throw new ExtractionError('too_large', `more than ${this.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
  }

  private async pdf(bytes: Uint8Array): Promise<ExtractedText> {
    let timer: NodeJS.Timeout | undefined;
    const loading = openPdf(bytes);
    const document = loading.catch(() => undefined);
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ExtractionError('unreadable', 'the PDF took too long to read')), this.timeoutMs);
      });
      const work = loading.then(readPdf);
      return await Promise.race([work, timeout]);
    } catch (error) {
      throw error instanceof ExtractionError ? error : new ExtractionError('unreadable', (error as Error).message);
    } finally {
      clearTimeout(timer);
      // Not awaited: after a timeout the document may never finish loading.
      void document.then((pdf) => pdf?.loadingTask.destroy()).catch(() => undefined);
    }
  }
}

async function docx(bytes: Uint8Array): Promise<ExtractedText> {
  try {
    return await readDocx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ExtractionError('unreadable', (error as Error).message);
  }
}

function plain(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: most likely an older Windows editor's Latin text.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** An email address or a phone number (read as the parser reads them): what a resume's contact block holds. */
const hasContactDetails = (text: string) => text.search(EMAIL) !== -1 || findPhones(text, 'US').length > 0;

const letters = (text: string) => text.match(/\p{L}/gu)?.length ?? 0;

export function normalizeText(text: string): string {
  return (
    text
      .normalize('NFKC')
      .replace(/\r\n?/g, '\n')
      .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
      // A tilde drawn as an accent glyph (˜, which NFKC turns into a space and a combining tilde) after a slash is a
      // path's tilde ("cs.example.edu/~ada"), not an accent of the letter after it.
      .replace(/(?<=\/) ?\u0303/gu, '~')
      // TeX draws accents as glyphs of their own, which NFKC turns into a space and a combining mark
      // before the letter ("Soluci ́on"): put the mark after its letter ("Solución").
      .replace(/(\p{L}?) +([\u0300-\u036f])(\p{L})/gu, (_, before: string, mark: string, letter: string) => before + (letter === 'ı' ? 'i' : letter) + mark)
      // A mark still standing apart (after a space, no letter after it: "EXPERIENCE CLINIQUE ́") lost its letter: it is noise.
      .replace(/(?<=^|\s)[\u0300-\u036f]+(?!\p{L})/gmu, '')
      // TeX's older font encoding draws a grave accent as a backquote before its vowel ("Th`ese", "`a la"): put it on the vowel.
      .replace(/(?<=\p{L}|^|\s)`([aeiouAEIOU])(?=\p{L}|\s)/gmu, (_, vowel: string) => `${vowel}\u0300`)
      .normalize('NFC')
      // PostgreSQL refuses NUL in text, and no control character is text; icon fonts' private-use glyphs neither.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ue000-\uf8ff]/g, ' ')
      .replace(/[^\S\n]+/g, (gap) => (gap.length > 1 || gap === '\t' ? '  ' : ' '))
      .split('\n')
      .map((line) => line.trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
