import type { Readable } from 'node:stream';
import { MIME } from '../domain/categories.ts';
import {
  ALL_BUILTIN_CHECKS,
  type BuiltinCheck,
  checkDocx,
  checkDocxStructure,
  checkExecutable,
  checkImage,
  checkImageStructure,
  checkPdf,
  checkPdfStructure,
  DEFAULT_CATEGORY_CHECKS,
  DEFAULT_IMAGE_LIMITS,
  DEFAULT_PDF_LIMITS,
  DEFAULT_ZIP_LIMITS,
  EXECUTABLE_HEAD_BYTES,
  type Finding,
  type ImageLimits,
  inspectZip,
  type PdfLimits,
  type ZipLimits,
} from './active-content/index.ts';
import type { Scanner, ScanSubject, ScanVerdict } from './scanner.ts';

export interface BuiltinChecksOptions {
  zip: ZipLimits;
  images: ImageLimits;
  pdf: PdfLimits;
  /** Which checks run for which category; a category not listed gets every check. */
  checks: Readonly<Record<string, readonly BuiltinCheck[]>>;
  /**
   * Documents and images are read whole, up to this, for the structural checks (the category
   * limits keep them at a few MB); a larger one is `rejected` as too large to scan, never passed.
   * Text is only read for its first bytes.
   */
  maxInspectedBytes: number;
}

export const DEFAULT_BUILTIN_OPTIONS: BuiltinChecksOptions = {
  zip: DEFAULT_ZIP_LIMITS,
  images: DEFAULT_IMAGE_LIMITS,
  pdf: DEFAULT_PDF_LIMITS,
  checks: DEFAULT_CATEGORY_CHECKS,
  maxInspectedBytes: 64 * 1024 * 1024,
};

/** Bumped when the checks change, so that audit entries tell which rules judged a file. */
export const BUILTIN_ENGINE_VERSION = '2';

const INSPECTED_TYPES: ReadonlySet<string> = new Set([MIME.pdf, MIME.docx, MIME.png, MIME.jpeg]);

/**
 * The checks that run on every file before any antivirus engine, each refusal a `rejected`
 * verdict with its own reason (see BUILTIN_CHECKS): executables where a document is expected;
 * structure of the detected type; PDF active content; DOCX macros, OLE objects and remote
 * templates; ZIP bombs, encryption, traversal and nesting; image bombs and polyglots.
 */
export class BuiltinScanner implements Scanner {
  readonly name = 'vitae-builtin';
  private readonly options: BuiltinChecksOptions;

  constructor(options: Partial<BuiltinChecksOptions> = {}) {
    this.options = { ...DEFAULT_BUILTIN_OPTIONS, ...options };
  }

  async scan(subject: ScanSubject): Promise<ScanVerdict> {
    const finding = await this.inspect(subject);
    const base = { engine: this.name, engineVersion: BUILTIN_ENGINE_VERSION };
    return finding ? { result: 'rejected', ...base, reason: finding.reason, detail: finding.detail } : { result: 'clean', ...base };
  }

  async check(): Promise<void> {}

  /** The checks that apply to a category. */
  checksFor(category: string): readonly BuiltinCheck[] {
    return this.options.checks[category] ?? ALL_BUILTIN_CHECKS;
  }

  private async inspect(subject: ScanSubject): Promise<Finding> {
    const checks = new Set(this.checksFor(subject.category));
    const whole = INSPECTED_TYPES.has(subject.contentType) && [...checks].some((check) => check !== 'executable');
    const limit = whole ? this.options.maxInspectedBytes : EXECUTABLE_HEAD_BYTES;
    if (whole && subject.size > limit) return { reason: 'too_large_to_scan', detail: `${subject.size} bytes (the built-in checks read at most ${limit})` };
    const { bytes, truncated } = await readUpTo(await subject.open(), limit);
    if (whole && truncated) return { reason: 'too_large_to_scan', detail: `more than ${limit} bytes (the built-in checks read at most ${limit})` };

    if (checks.has('executable')) {
      const finding = checkExecutable(bytes.subarray(0, EXECUTABLE_HEAD_BYTES), subject.contentType);
      if (finding) return finding;
    }
    if (!whole) return null;
    switch (subject.contentType) {
      case MIME.pdf:
        if (checks.has('pdf')) return checkPdf(bytes, this.options.pdf);
        return checks.has('structure') ? checkPdfStructure(bytes) : null;
      case MIME.docx:
        if (checks.has('ooxml')) return checkDocx(bytes, this.options.zip);
        if (checks.has('zip')) {
          const zip = await inspectZip(bytes, this.options.zip);
          if (zip.problem && zip.problem !== 'zip_invalid') return { reason: zip.problem, detail: zip.detail ?? zip.problem };
        }
        return checks.has('structure') ? checkDocxStructure(bytes, this.options.zip) : null;
      case MIME.png:
      case MIME.jpeg:
        if (checks.has('image')) return checkImage(bytes, subject.contentType, this.options.images);
        return checks.has('structure') ? checkImageStructure(bytes, subject.contentType) : null;
      default:
        return null;
    }
  }
}

/** At most `limit` bytes of the stream; `truncated` when there were more. The stream is released either way. */
async function readUpTo(stream: Readable, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length > limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    stream.destroy();
  }
  return { bytes: Buffer.concat(chunks, Math.min(length, limit)), truncated };
}
