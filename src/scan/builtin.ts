import type { Readable } from 'node:stream';
import { MIME } from '../domain/categories.ts';
import { checkExecutable } from './checks/executables.ts';
import { checkImage, DEFAULT_IMAGE_LIMITS, type ImageLimits } from './checks/images.ts';
import { checkDocx } from './checks/ooxml.ts';
import { checkPdf } from './checks/pdf.ts';
import type { Finding } from './checks/types.ts';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './checks/zip.ts';
import type { Scanner, ScanSubject, ScanVerdict } from './scanner.ts';

/** Documents are read whole for the structural checks (they are at most a few MB: see the category limits); never more than this. */
const MAX_INSPECTED_BYTES = 64 * 1024 * 1024;
const HEAD_BYTES = 4096;

export interface BuiltinChecksOptions {
  zip: ZipLimits;
  images: ImageLimits;
  /** Categories whose files skip the active-content checks (the type and executable checks always run). */
  skipActiveContentFor: readonly string[];
}

export const DEFAULT_BUILTIN_OPTIONS: BuiltinChecksOptions = { zip: DEFAULT_ZIP_LIMITS, images: DEFAULT_IMAGE_LIMITS, skipActiveContentFor: [] };

/**
 * The checks that run on every file before any antivirus engine, each refusal a `rejected`
 * verdict with its own reason: executables where a document is expected; for PDFs, structure and
 * active content (JavaScript, Launch, embedded files, XFA, encryption, polyglots); for DOCX, ZIP
 * bombs, encryption, traversal, macros, OLE objects and remote templates; for images, header
 * sanity, decompression bombs and polyglots.
 */
export class BuiltinScanner implements Scanner {
  readonly name = 'vitae-builtin';
  private readonly options: BuiltinChecksOptions;

  constructor(options: BuiltinChecksOptions = DEFAULT_BUILTIN_OPTIONS) {
    this.options = options;
  }

  async scan(subject: ScanSubject): Promise<ScanVerdict> {
    const whole = subject.contentType !== MIME.txt && subject.contentType !== MIME.csv;
    const bytes = await readUpTo(await subject.open(), whole ? MAX_INSPECTED_BYTES : HEAD_BYTES);
    const finding = checkExecutable(bytes.subarray(0, HEAD_BYTES), subject.contentType) ?? (this.options.skipActiveContentFor.includes(subject.category) ? null : await this.checkContent(bytes, subject.contentType));
    return finding ? { result: 'rejected', engine: this.name, reason: finding.reason, detail: finding.detail } : { result: 'clean', engine: this.name };
  }

  async check(): Promise<void> {}

  private async checkContent(bytes: Buffer, contentType: string): Promise<Finding> {
    switch (contentType) {
      case MIME.pdf:
        return checkPdf(bytes);
      case MIME.docx:
        return checkDocx(bytes, this.options.zip);
      case MIME.png:
      case MIME.jpeg:
        return checkImage(bytes, contentType, this.options.images);
      default:
        return null;
    }
  }
}

async function readUpTo(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks, Math.min(length, limit));
}
