import type { Readable } from 'node:stream';

/** The TextExtractor port: plain text out of a resume file. */
export interface TextExtractor {
  /** Rejects with an ExtractionError when the file yields no text or cannot be read. */
  extract(input: ExtractInput): Promise<ExtractedText>;
}

export interface ExtractInput {
  bytes?: Uint8Array;
  stream?: Readable;
  contentType: string;
}

export interface ExtractedText {
  text: string;
  /** Link targets that are not in the text: PDF link annotations, DOCX hyperlinks. */
  links: string[];
  /** PDF only. */
  pages?: number;
  /** Set when the text was read from page images by OCR, in whole or in part. */
  ocr?: { pages: number; secondsPerPage: number };
  /**
   * Set by an extractor without OCR when OCR would read the document better: its text layer is
   * garbled (`unreadable_text_layer`), or gives no email address or phone (`no_contact_details`,
   * often a contact block drawn as a picture).
   */
  ocrWanted?: 'unreadable_text_layer' | 'no_contact_details';
}

/**
 * Why a resume has no text: `no_text` (a scanned image, an empty document), `unreadable` (corrupt
 * or not what its type says), `unsupported_type`, `too_large`. Expected outcomes, not crashes: the
 * candidate ends `failed` with this reason.
 */
export type ExtractionFailure = 'no_text' | 'unreadable' | 'unsupported_type' | 'too_large';

export class ExtractionError extends Error {
  readonly reason: ExtractionFailure;

  constructor(reason: ExtractionFailure, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'ExtractionError';
    this.reason = reason;
  }
}
