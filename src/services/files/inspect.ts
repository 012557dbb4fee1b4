import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../errors.ts';
import { createTextCheck, decideDetectedType } from '../../domain/content-sniff.ts';

/** Enough of the start of a file for the magic-byte sniffer, including a DOCX's first ZIP entries. */
const HEAD_BYTES = 64 * 1024;

export interface Inspection {
  size: number;
  sha256: string;
  /** The type decided by content: magic bytes, or a text check for TXT/CSV; null when unknown. */
  detectedType: string | null;
}

/**
 * A pass-through stream that hashes, counts and sniffs the bytes flowing through it, in one pass
 * and in constant memory (only the first 64 KiB are kept, for the sniffer). It fails with 413 as
 * soon as more than `maxBytes` have passed, whatever the request's Content-Length claimed.
 */
export class InspectingStream extends Transform {
  private readonly maxBytes: number;
  private readonly tooLarge: (() => AppError) | undefined;
  private readonly category: string;
  private readonly hash = createHash('sha256');
  private readonly textCheck = createTextCheck();
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private size = 0;

  /** `tooLarge`: the error past `maxBytes` when it is not the category's limit (a quota's bytes left). */
  constructor(options: { maxBytes: number; category: string; tooLarge?: () => AppError }) {
    // Node's default buffer (64 KiB each side), not more: while the store writes slower than the
    // client sends, each upload holds what its buffers allow, and 1 MiB a side added tens of MB at
    // 20 concurrent uploads without making them faster (bench/README.md, "Memory").
    super();
    this.maxBytes = options.maxBytes;
    this.tooLarge = options.tooLarge;
    this.category = options.category;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(this.tooLarge?.() ?? new AppError(413, 'file_too_large', `The file is larger than the ${this.maxBytes} bytes allowed for this category.`));
      return;
    }
    this.hash.update(chunk);
    this.textCheck.push(chunk);
    if (this.headLength < HEAD_BYTES) {
      const needed = HEAD_BYTES - this.headLength;
      const part = chunk.length > needed ? chunk.subarray(0, needed) : chunk;
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    callback(null, chunk);
  }

  /** Call after the stream has ended. */
  async inspection(): Promise<Inspection> {
    const head = Buffer.concat(this.headChunks, this.headLength);
    const sniffed = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
    return {
      size: this.size,
      sha256: this.hash.digest('hex'),
      detectedType: decideDetectedType({ sniffedMime: sniffed?.mime ?? null, isText: this.textCheck.end(), category: this.category }),
    };
  }
}
