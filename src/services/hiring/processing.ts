import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { Counter, Histogram } from 'prom-client';
import type { Db } from '../../db/database.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { Webhooks } from '../webhooks/webhooks.ts';

/** Resume size is bounded by the category limit (10 MB), and parsers need random access: read whole. */
const MAX_RESUME_BYTES = 64 * 1024 * 1024;

export const resumesParsed = new Counter({
  name: 'vitae_resumes_parsed_total',
  help: 'Resumes read by the workers, by outcome: parsed, failed (the document cannot be read), ocr_queued (no text layer; parsed again by OCR)',
  labelNames: ['outcome'] as const,
  registers: [],
});
export const parseSeconds = new Histogram({
  name: 'vitae_resume_parse_duration_seconds',
  help: 'Time to extract the text of one resume and parse its fields (OCR included when it ran)',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [],
});

export interface ParsedFields {
  name: string | null;
  email: string | null;
  phone: string | null;
  /** Whether `phone` is valid (E.164) or kept as printed; null without a phone. */
  phoneValid: boolean | null;
  links: Record<string, unknown>;
  skills: string[];
  /** For each skill, the section and line it was found in, and its broader parent. */
  skillEvidence: Array<{ name: string; section: string; evidence: string; parent?: string }>;
  /** Every broader skill of `skills`, so that a search for a parent finds its children. */
  skillParents: string[];
  experienceYears: number | null;
}

/** A resume's text and the link targets the document carries outside it; `ocr` when read from page images. */
export interface ResumeDocument {
  text: string;
  links: string[];
  ocr: boolean;
}

export type Extraction = { ok: true; document: ResumeDocument } | { ok: false; reason: string; needsOcr?: boolean };

export interface JobRequirements {
  title: string;
  description: string;
  skills: { required: string[]; nice: string[] };
  minYears: number | null;
}

/** What the hiring workflow needs from resume analysis (src/resumes implements it). */
export interface ResumeAnalyzer {
  /** `ocr`: read a PDF without a text layer by OCR; without it such a PDF answers `needsOcr`. */
  extract(bytes: Buffer, contentType: string, options: { ocr: boolean }): Promise<Extraction>;
  parse(document: ResumeDocument): Promise<ParsedFields>;
  score(input: {
    resumeText: string;
    fields: ParsedFields;
    job: JobRequirements;
    jobId: string;
  }): Promise<{ score: number; breakdown: Record<string, unknown>; scorer: string }>;
}

interface CandidateProcessingDeps {
  db: Db;
  store: BlobStore;
  queue: JobQueue;
  analyzer: ResumeAnalyzer;
  webhooks: Webhooks;
  logger?: Logger;
}

/**
 * The background half of the hiring workflow: once a candidate's file is clean, its text is
 * extracted, its fields parsed and the candidate scored against the job. A PDF without a text
 * layer (a scan) goes to the OCR queue, which has a concurrency of its own so that scans never
 * hold up text resumes; with OCR off it ends `failed` with the reason `no_text`. What a document
 * causes (unreadable, no text, an error while parsing it) ends the candidate `failed` at once with
 * its reason — retrying cannot change it; only the storage or the database failing is retried.
 * Idempotent: a retried job redoes the same work and writes the same result.
 */
export class CandidateProcessing {
  private readonly deps: CandidateProcessingDeps;

  constructor(deps: CandidateProcessingDeps) {
    this.deps = deps;
  }

  async parse(candidateId: string, options: { ocr?: boolean } = {}): Promise<void> {
    const candidate = await this.deps.db
      .selectFrom('candidates')
      .innerJoin('files', 'files.id', 'candidates.file_id')
      .select(['candidates.id', 'candidates.status', 'candidates.file_id', 'files.version', 'files.status as file_status', 'files.content_type'])
      .where('candidates.id', '=', candidateId)
      .where('candidates.deleted_at', 'is', null)
      .executeTakeFirst();
    // Already done: this is a retry of a job whose worker died after its result was committed.
    if (!candidate || candidate.file_status !== 'clean' || candidate.status === 'scored' || candidate.status === 'failed') return;
    await this.deps.db.updateTable('candidates').set({ status: 'parsing', updated_at: new Date() }).where('id', '=', candidateId).execute();

    const version = await this.deps.db
      .selectFrom('file_versions')
      .select('storage_key')
      .where('file_id', '=', candidate.file_id)
      .where('version', '=', candidate.version)
      .executeTakeFirstOrThrow();
    const bytes = await readAll(await this.deps.store.get(version.storage_key), MAX_RESUME_BYTES);
    const timer = parseSeconds.startTimer();
    const analysis = await this.analyze(bytes, candidate.content_type, options.ocr === true);
    timer();
    resumesParsed.inc({ outcome: 'queued' in analysis ? 'ocr_queued' : 'reason' in analysis ? 'failed' : 'parsed' });
    if ('queued' in analysis) {
      await this.deps.db.updateTable('candidates').set({ status_reason: 'ocr_queued', updated_at: new Date() }).where('id', '=', candidateId).execute();
      await this.deps.queue.send(JOBS.ocrCandidate, { candidateId });
      return;
    }
    if ('reason' in analysis) {
      await this.deps.db
        .updateTable('candidates')
        .set({ status: 'failed', status_reason: analysis.reason, parsed_at: new Date(), updated_at: new Date() })
        .where('id', '=', candidateId)
        .execute();
      return;
    }
    const { document, fields } = analysis;
    await this.deps.db
      .updateTable('candidates')
      .set({
        name: fields.name,
        email: fields.email,
        phone: fields.phone,
        phone_valid: fields.phoneValid,
        links: JSON.stringify(fields.links),
        skills: fields.skills,
        skill_parents: fields.skillParents,
        skill_evidence: JSON.stringify(fields.skillEvidence),
        experience_years: fields.experienceYears,
        resume_text: document.text,
        text_source: document.ocr ? 'ocr' : 'text',
        status_reason: null,
        parsed_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', candidateId)
      // Erased while it was being read: the fields must not come back.
      .where('deleted_at', 'is', null)
      .execute();
    await this.score(candidateId);
  }

  /**
   * Extraction and parsing, with every error the document can cause turned into a reason: such an
   * error is deterministic, and a retry would only keep the candidate `parsing` for minutes.
   */
  private async analyze(
    bytes: Buffer,
    contentType: string,
    ocr: boolean,
  ): Promise<{ document: ResumeDocument; fields: ParsedFields } | { reason: string } | { queued: true }> {
    let extraction: Extraction;
    try {
      extraction = await this.deps.analyzer.extract(bytes, contentType, { ocr });
    } catch (error) {
      this.deps.logger?.warn({ err: error }, 'resume extraction failed');
      return { reason: 'unreadable' };
    }
    if (!extraction.ok) return extraction.needsOcr ? { queued: true } : { reason: extraction.reason };
    try {
      return { document: extraction.document, fields: await this.deps.analyzer.parse(extraction.document) };
    } catch (error) {
      this.deps.logger?.warn({ err: error }, 'resume parsing failed');
      return { reason: 'parse_error' };
    }
  }

  /** Scores one parsed candidate against its job's current requirements. */
  async score(candidateId: string): Promise<void> {
    const row = await this.deps.db
      .selectFrom('candidates')
      .innerJoin('jobs', 'jobs.id', 'candidates.job_id')
      .select([
        'candidates.id',
        'candidates.org_id',
        'candidates.job_id',
        'candidates.name',
        'candidates.email',
        'candidates.phone',
        'candidates.links',
        'candidates.skills',
        'candidates.skill_evidence',
        'candidates.phone_valid',
        'candidates.experience_years',
        'candidates.resume_text',
        'jobs.title',
        'jobs.description',
        'jobs.skills_required',
        'jobs.skills_nice',
        'jobs.min_years',
      ])
      .where('candidates.id', '=', candidateId)
      .where('candidates.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row || row.resume_text === null) return;
    const result = await this.deps.analyzer.score({
      resumeText: row.resume_text,
      fields: {
        name: row.name,
        email: row.email,
        phone: row.phone,
        phoneValid: row.phone_valid,
        links: row.links ?? {},
        skills: row.skills,
        skillEvidence: row.skill_evidence ?? [],
        skillParents: [],
        experienceYears: row.experience_years,
      },
      job: { title: row.title, description: row.description, skills: { required: row.skills_required, nice: row.skills_nice }, minYears: row.min_years },
      jobId: row.job_id,
    });
    await this.deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('candidates')
        .set({
          status: 'scored',
          status_reason: null,
          score: result.score,
          score_breakdown: JSON.stringify(result.breakdown),
          scorer: result.scorer,
          scored_at: new Date(),
          updated_at: new Date(),
        })
        .where('id', '=', candidateId)
        .where('deleted_at', 'is', null)
        .execute();
      await this.deps.webhooks.emit(tx, row.org_id, 'candidate.scored', { candidate_id: candidateId, job_id: row.job_id, score: result.score });
    });
  }

  /** After a job's requirements change: every parsed candidate is scored again, each as its own job. */
  async rescoreJob(jobId: string): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('candidates')
      .select('id')
      .where('job_id', '=', jobId)
      .where('deleted_at', 'is', null)
      .where('resume_text', 'is not', null)
      .execute();
    for (const { id } of rows) await this.deps.queue.send(JOBS.parseCandidate, { candidateId: id, rescoreOnly: true });
  }
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) {
      stream.destroy();
      throw new Error(`resume larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}
