import { MIME } from './categories.ts';

/**
 * Incremental check that a stream is text: valid UTF-8 and no NUL byte. Fed chunk by chunk as
 * the bytes flow, so TXT and CSV are recognized without buffering the file.
 */
export function createTextCheck(): { push(chunk: Uint8Array): void; end(): boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  return {
    push(chunk) {
      if (!valid) return;
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
    end() {
      if (!valid) return false;
      try {
        decoder.decode();
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The type the content decides: a binary type found by the magic-byte sniffer wins; otherwise
 * valid text is CSV for a CSV import and plain text everywhere else; anything else is unknown.
 */
export function decideDetectedType(input: { sniffedMime: string | null; isText: boolean; category: string }): string | null {
  if (input.sniffedMime) return input.sniffedMime;
  if (!input.isText) return null;
  return input.category === 'csv_import' ? MIME.csv : MIME.txt;
}
