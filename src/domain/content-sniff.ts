import { MIME, normalizeMime } from './categories.ts';

export interface TextCheck {
  /** Feed the next chunk; cheap once the stream is known not to be text. */
  push(chunk: Uint8Array): void;
  /** False as soon as a NUL byte or invalid UTF-8 was seen (a caller may stop feeding then). */
  readonly valid: boolean;
  /** Call once, after the last chunk: true when the whole stream was valid UTF-8 without NUL. */
  end(): boolean;
}

/**
 * Incremental check that a stream is text: valid UTF-8 and no NUL byte. Fed chunk by chunk as
 * the bytes flow, so TXT and CSV are recognized without buffering the file. The decoder runs in
 * `stream` mode so a character split across two chunks is not mistaken for invalid UTF-8, and
 * `end()` flushes it so a stream that stops mid-character is refused.
 */
export function createTextCheck(): TextCheck {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  let ended = false;
  return {
    push(chunk) {
      if (!valid || ended) return;
      if (chunk.includes(0)) {
        valid = false;
        return;
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        valid = false;
      }
    },
    get valid() {
      return valid;
    },
    end() {
      if (ended) return valid;
      ended = true;
      if (!valid) return false;
      try {
        decoder.decode();
      } catch {
        valid = false;
      }
      return valid;
    },
  };
}

/**
 * The type the content decides. `sniffedMime` is what `file-type` found in the head of the file
 * (`result?.mime ?? null`; it reports a Word document's ZIP as DOCX), `isText` the text check's
 * verdict over the whole stream.
 * - A binary type found by magic bytes wins: a PDF is a PDF even if its bytes happen to be UTF-8.
 * - Otherwise valid text is CSV only where CSV is expected (a CSV import, or CSV was declared):
 *   nothing in the bytes tells a CSV from any other text, so elsewhere it is plain text.
 * - Anything else is unknown (null), which the category check refuses.
 */
export function decideDetectedType(input: {
  sniffedMime: string | null | undefined;
  isText: boolean;
  category: string;
  declaredType?: string | null;
}): string | null {
  if (input.sniffedMime) return input.sniffedMime;
  if (!input.isText) return null;
  const csvExpected = input.category === 'csv_import' || (input.declaredType != null && normalizeMime(input.declaredType) === MIME.csv);
  return csvExpected ? MIME.csv : MIME.txt;
}
