import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline as pipelineCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type yauzl from 'yauzl';
import { sanitizeFilename } from '../../domain/filename.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_ZIP_LIMITS, entryNames, entryProblem, inspectZip, iterateEntries, openZip, type ZipLimits } from '../../scan/active-content/index.ts';
import type { RequestContext } from '../context.ts';
import type { CandidateService, IntakeResult } from './candidates.ts';

/** Archives are spooled to a temp file (ZIP needs random access); this bounds how big one may be. */
const MAX_ARCHIVE_BYTES = 200 * 1024 * 1024;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

interface BulkIntakeDeps {
  candidates: CandidateService;
  tempDir: string;
  limits?: ZipLimits;
}

/**
 * `POST /jobs/{id}/candidates/bulk`: many resumes and/or ZIP archives of resumes in one streamed
 * request. Each file (and each archive entry) gets its own result; one bad file never fails the
 * others. Archives are judged as a whole by the ZIP limits (entry count, sizes, ratios) before
 * anything is extracted; then each entry is judged on its own (name, encryption, symbolic link,
 * nesting, and while it inflates its declared size) and streamed into the normal intake. Entry
 * names are only ever sanitized metadata — nothing from inside an archive becomes a path or a key.
 */
export class BulkIntake {
  private readonly deps: BulkIntakeDeps;
  private readonly limits: ZipLimits;

  constructor(deps: BulkIntakeDeps) {
    this.deps = deps;
    this.limits = deps.limits ?? DEFAULT_ZIP_LIMITS;
  }

  async intakePart(ctx: RequestContext, jobId: string, part: { filename: string; stream: Readable }): Promise<IntakeResult[]> {
    const filename = sanitizeFilename(part.filename);
    const { first, whole: stream } = await splitFirstChunk(part.stream);
    if (!first || !first.subarray(0, 4).equals(ZIP_MAGIC)) return [await this.one(ctx, jobId, filename, stream)];
    const archive = path.join(this.deps.tempDir, `intake-${randomBytes(12).toString('hex')}.zip`);
    await mkdir(this.deps.tempDir, { recursive: true });
    try {
      await pipeline(stream, limitBytes(MAX_ARCHIVE_BYTES), createWriteStream(archive, { mode: 0o600 }));
      const verdict = await inspectZip(archive, this.limits, { perEntry: true });
      const names = verdict.entries.map((entry) => entry.name);
      // A DOCX is a ZIP too: it is one resume, not an archive of them.
      if (!verdict.problem && names.includes('word/document.xml') && names.includes('[Content_Types].xml')) {
        return [await this.one(ctx, jobId, filename, createReadStream(archive))];
      }
      if (verdict.problem) return [{ filename, error: { code: verdict.problem, detail: verdict.detail ?? verdict.problem } }];
      return await this.archive(ctx, jobId, archive);
    } catch (error) {
      return [{ filename, error: describe(error) }];
    } finally {
      await rm(archive, { force: true });
    }
  }

  /** Entries of an archive that passed the ZIP limits, one by one into the intake. */
  private async archive(ctx: RequestContext, jobId: string, file: string): Promise<IntakeResult[]> {
    const results: IntakeResult[] = [];
    const zip = await openZip(file);
    try {
      for await (const entry of iterateEntries(zip)) {
        const rawName = entryNames(entry)[0]!;
        if (rawName.endsWith('/')) continue;
        const name = sanitizeFilename(rawName);
        const problem = entryProblem(entry);
        if (problem) results.push({ filename: name, error: { code: problem.problem, detail: problem.detail } });
        else if (/\.(zip|jar|7z|rar|gz|tgz)$/i.test(rawName))
          results.push({ filename: name, error: { code: 'zip_nested', detail: 'archives inside archives are not followed' } });
        else results.push(await this.entry(ctx, jobId, zip, entry, name));
      }
    } finally {
      zip.close();
    }
    return results;
  }

  /**
   * One entry into the intake. Its inflating stream fails when the entry lies about its size or
   * CRC; that failure is this entry's result, never an unhandled 'error' event (which would end
   * the process): the stream is piped into one the intake reads, and pipeline owns both errors.
   */
  private async entry(ctx: RequestContext, jobId: string, zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<IntakeResult> {
    let inflated: Readable;
    try {
      inflated = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error ?? new Error('unreadable entry')) : resolve(stream))),
      );
    } catch (error) {
      return { filename: name, error: { code: 'zip_invalid', detail: messageOf(error) } };
    }
    let streamError: Error | undefined;
    const body = new PassThrough();
    pipelineCallback(inflated, body, (error) => {
      streamError = error ?? undefined;
    });
    try {
      return await this.one(ctx, jobId, name, body);
    } catch (error) {
      if (streamError) return { filename: name, error: { code: 'zip_invalid', detail: streamError.message } };
      throw error;
    }
  }

  private async one(ctx: RequestContext, jobId: string, filename: string, stream: Readable): Promise<IntakeResult> {
    try {
      const result = await this.deps.candidates.intake(ctx, jobId, { filename, body: stream });
      return 'candidate' in result ? { filename: result.filename, candidate_id: result.candidate_id } : result;
    } catch (error) {
      stream.resume();
      if (error instanceof AppError && error.status < 500) return { filename, error: { code: error.code, detail: error.message } };
      throw error;
    }
  }
}

function describe(error: unknown): { code: string; detail: string } {
  if (error instanceof AppError) return { code: error.code, detail: error.message };
  return { code: 'zip_invalid', detail: messageOf(error) };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The first chunk (to tell archives from documents by their magic bytes) and a stream of the whole.
 * Read through the stream's async iterator, which also settles when the stream was already
 * destroyed with an error (a multipart body that ended inside this part) before anyone listened.
 */
async function splitFirstChunk(stream: Readable): Promise<{ first: Buffer | null; whole: Readable }> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head = await chunks.next();
  if (head.done) return { first: null, whole: Readable.from([]) };
  const first = head.value;
  async function* whole(): AsyncIterable<Buffer> {
    yield first;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { first, whole: Readable.from(whole()) };
}

function limitBytes(max: number) {
  let seen = 0;
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      seen += chunk.length;
      if (seen > max) throw new AppError(413, 'file_too_large', `Archives may be at most ${max} bytes.`);
      yield chunk;
    }
  };
}
