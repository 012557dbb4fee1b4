import { Transform, type TransformCallback } from 'node:stream';

/**
 * CSV injection (OWASP "CSV Injection"): a spreadsheet opening a CSV runs a cell that starts with
 * `=`, `+`, `-` or `@` (and tab or carriage return, which some programs skip before one) as a
 * formula — `=HYPERLINK(...)` to leak data, DDE to run a command. Such a cell is served with a
 * single quote in front, which spreadsheets show as text and never evaluate.
 *
 * A streaming byte-level parser of RFC 4180 CSV (every character that matters is ASCII, so UTF-8
 * needs no decoding): cells start at the beginning, after `,` or `;` (the separator of many
 * locales) and after a line break; a quoted cell is judged on its first character inside the quotes.
 */
const QUOTE = 0x22;
const APOSTROPHE = Buffer.from("'");
const TRIGGERS = new Set([0x3d /* = */, 0x2b /* + */, 0x2d /* - */, 0x40 /* @ */, 0x09 /* tab */]);
const QUOTED_TRIGGERS = new Set([...TRIGGERS, 0x0d /* CR */]);
const CELL_ENDS = new Set([0x2c /* , */, 0x3b /* ; */, 0x0a /* LF */, 0x0d /* CR */]);
const BOM = [0xef, 0xbb, 0xbf];

export class CsvFormulaNeutralizer extends Transform {
  private atCellStart = true;
  private inQuotes = false;
  /** Just after the opening quote of a cell. */
  private quotedStart = false;
  /** A quote inside a quoted cell: an escaped quote if another follows, else the cell's end. */
  private quoteSeen = false;
  private position = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i += 1, this.position += 1) {
      const byte = chunk[i]!;
      if (this.position < BOM.length && byte === BOM[this.position] && this.atCellStart) continue;
      if (this.needsQuote(byte)) {
        out.push(chunk.subarray(from, i), APOSTROPHE);
        from = i;
      }
    }
    out.push(chunk.subarray(from));
    callback(null, Buffer.concat(out));
  }

  /** Advances the state by one byte; true when a quote mark must go before it. */
  private needsQuote(byte: number): boolean {
    if (this.inQuotes) {
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (byte === QUOTE) return false;
        this.inQuotes = false;
        return this.unquoted(byte);
      }
      if (byte === QUOTE) {
        this.quoteSeen = true;
        this.quotedStart = false;
        return false;
      }
      const first = this.quotedStart;
      this.quotedStart = false;
      return first && QUOTED_TRIGGERS.has(byte);
    }
    return this.unquoted(byte);
  }

  private unquoted(byte: number): boolean {
    const start = this.atCellStart;
    this.atCellStart = CELL_ENDS.has(byte);
    if (start && byte === QUOTE) {
      this.inQuotes = true;
      this.quotedStart = true;
      return false;
    }
    return start && TRIGGERS.has(byte);
  }
}
