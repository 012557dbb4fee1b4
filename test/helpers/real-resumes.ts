import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DocumentTextExtractor } from '../../src/resumes/extract.ts';
import { parseResume, type ParsedResume } from '../../src/resumes/fields.ts';
import { PageOcr } from '../../src/resumes/ocr.ts';
import { canonicalSkill, skillKey as sameSkill } from '../../src/resumes/skills.ts';

/**
 * The labeled set of real resumes (test/fixtures/real-resumes/<id>/): public documents that
 * Vitae's authors did not make, each labeled by reading its rendered pages, with its source,
 * commit and licence in label.json. This module loads them, parses each, and scores the result
 * field by field; the benchmark (bench/resume-accuracy.ts) prints it, a test holds the targets.
 */
export const REAL_RESUMES_DIR = path.resolve(import.meta.dirname, '../fixtures/real-resumes');

export interface RealResumeLabel {
  id: string;
  file: string;
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  producer: string;
  kind: 'pdf' | 'docx' | 'scan';
  columns: 1 | 2;
  language: string;
  person: 'fictional' | 'real';
  /** Added after the parser's rules were written, and never tuned against: its figures apart say how the parser does on unseen documents. */
  heldOut?: boolean;
  labels: {
    name: string;
    emails: string[];
    phone: string | null;
    phoneRegion?: string;
    links: string[];
    skills: string[];
    experienceYears: number | null;
    experienceAsOf: string;
  };
  notes?: string;
}

export function loadRealResumes(): Array<RealResumeLabel & { bytes: Buffer; contentType: string }> {
  return readdirSync(REAL_RESUMES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const label = JSON.parse(readFileSync(path.join(REAL_RESUMES_DIR, entry.name, 'label.json'), 'utf8')) as RealResumeLabel;
      const bytes = readFileSync(path.join(REAL_RESUMES_DIR, entry.name, label.file));
      const contentType = label.file.endsWith('.docx') ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'application/pdf';
      return { ...label, bytes, contentType };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

export interface FieldScores {
  files: number;
  byKind: Record<string, number>;
  name: number;
  email: number;
  phone: number;
  /** Name, email and phone all right. */
  contact: number;
  links: F1;
  skills: F1;
  experience: number;
  misses: string[];
  /** Which contact fields each file got right. */
  perFile: Array<{ id: string; kind: RealResumeLabel['kind']; name: boolean; email: boolean; phone: boolean }>;
  /** Wall time per resume, extraction and parsing (OCR included for scans). */
  msPerResume: number;
  /** Mean OCR time per page over the scanned resumes. */
  ocrSecondsPerPage: number | null;
}

export interface F1 {
  f1: number;
  precision: number;
  recall: number;
}

export async function scoreRealResumes(options: { only?: (resume: RealResumeLabel) => boolean } = {}): Promise<FieldScores> {
  const resumes = loadRealResumes().filter(options.only ?? (() => true));
  // What is measured is what OCR reads, not how fast: on a machine busy with other suites a page can
  // take far longer than the production limit, so the limit here is generous.
  const ocr = new PageOcr({ pageTimeoutMs: 600_000 });
  const extractor = new DocumentTextExtractor({ ocr });
  const ocrSeconds: number[] = [];
  const hits = { name: 0, email: 0, phone: 0, contact: 0, experience: 0 };
  const links = { tp: 0, fp: 0, fn: 0 };
  const skills = { tp: 0, fp: 0, fn: 0 };
  const byKind: Record<string, number> = {};
  const misses: string[] = [];
  const perFile: FieldScores['perFile'] = [];
  const started = performance.now();
  for (const resume of resumes) {
    byKind[resume.kind] = (byKind[resume.kind] ?? 0) + 1;
    const want = resume.labels;
    let parsed: ParsedResume | null = null;
    try {
      const extracted = await extractor.extract({ bytes: resume.bytes, contentType: resume.contentType });
      if (extracted.ocr) ocrSeconds.push(extracted.ocr.secondsPerPage);
      parsed = parseResume(extracted.text, { now: new Date(`${want.experienceAsOf}T00:00:00Z`), links: extracted.links });
    } catch (error) {
      misses.push(`${resume.id}: extraction failed (${(error as Error).message})`);
    }
    const miss = (field: string, got: unknown, expected: unknown) =>
      misses.push(`${resume.id}: ${field} ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    const nameOk = sameName(parsed?.name ?? null, want.name);
    // Addresses are compared without case: the parser gives them in lower case, labels as printed.
    const emailOk = want.emails.length === 0 ? !parsed?.email : want.emails.some((email) => email.toLowerCase() === parsed?.email?.toLowerCase());
    const phoneOk = samePhone(parsed?.phone ?? null, want.phone, want.phoneRegion);
    if (nameOk) hits.name += 1;
    else miss('name', parsed?.name, want.name);
    if (emailOk) hits.email += 1;
    else miss('email', parsed?.email, want.emails);
    if (phoneOk) hits.phone += 1;
    else miss('phone', parsed?.phone, want.phone);
    if (nameOk && emailOk && phoneOk) hits.contact += 1;
    perFile.push({ id: resume.id, kind: resume.kind, name: nameOk, email: emailOk, phone: phoneOk });
    const experienceOk =
      want.experienceYears === null
        ? parsed?.experienceYears === null
        : parsed?.experienceYears != null && Math.abs(parsed.experienceYears - want.experienceYears) <= 1;
    if (experienceOk) hits.experience += 1;
    else miss('experience', parsed?.experienceYears, want.experienceYears);
    count(links, resume.id, 'links', parsed ? allLinks(parsed).map(linkKey) : [], want.links.map(linkKey), misses);
    count(skills, resume.id, 'skills', (parsed?.skills ?? []).map(skillKey), want.skills.map(skillKey), misses);
  }
  await ocr.close();
  const n = resumes.length;
  return {
    ocrSecondsPerPage: ocrSeconds.length ? ocrSeconds.reduce((a, b) => a + b, 0) / ocrSeconds.length : null,
    files: n,
    byKind,
    name: hits.name / n,
    email: hits.email / n,
    phone: hits.phone / n,
    contact: hits.contact / n,
    links: f1(links),
    skills: f1(skills),
    experience: hits.experience / n,
    misses,
    perFile,
    msPerResume: (performance.now() - started) / n,
  };
}

function count(totals: { tp: number; fp: number; fn: number }, id: string, field: string, got: string[], expected: string[], misses: string[]): void {
  const gotSet = new Set(got);
  const wantSet = new Set(expected);
  const extra = [...gotSet].filter((item) => !wantSet.has(item));
  const missing = [...wantSet].filter((item) => !gotSet.has(item));
  totals.tp += gotSet.size - extra.length;
  totals.fp += extra.length;
  totals.fn += missing.length;
  if (extra.length || missing.length) misses.push(`${id}: ${field} +${JSON.stringify(extra)} -${JSON.stringify(missing)}`);
}

function f1({ tp, fp, fn }: { tp: number; fp: number; fn: number }): F1 {
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return { f1: (2 * precision * recall) / (precision + recall || 1), precision, recall };
}

/** Names compare without case and spacing: an ALL-CAPS header cannot tell "McDonald" from "Mcdonald". */
function sameName(got: string | null, want: string): boolean {
  const key = (name: string) =>
    name
      .normalize('NFKC')
      .toLocaleLowerCase()
      .replace(/[\s.]+/g, ' ')
      .trim();
  return got !== null && key(got) === key(want);
}

/** Phones compare by digits: the same number with or without its country code. */
function samePhone(got: string | null, want: string | null, region?: string): boolean {
  if (want === null || got === null) return want === got;
  // A national number printed with its region's trunk prefix ("8 (950) …" in Russia) is its international form.
  const printed = region ? parsePhoneNumberFromString(want, region as CountryCode) : undefined;
  if (printed?.isValid() && printed.number === parsePhoneNumberFromString(got, region as CountryCode)?.number) return true;
  const a = got.replace(/\D/g, '');
  // "+44 (0)7898 …": the bracketed trunk 0 is not dialled after the country code.
  const b = want.replace(/\(0\)/g, '').replace(/\D/g, '').replace(/^00/, '');
  if (a === b) return true;
  const [longer, shorter] = a.length >= b.length ? [a, b] : [b, a];
  // A national number printed with its trunk 0 ("030 …") is the international one without it.
  const national = shorter.replace(/^0/, '');
  return national.length >= 6 && longer.endsWith(national);
}

function allLinks(parsed: ParsedResume): string[] {
  return [parsed.links.linkedin, parsed.links.github, parsed.links.website, ...parsed.links.other].filter((url): url is string => Boolean(url));
}

/** A URL as a comparable key: no scheme, no www., no trailing slash, host in lower case, percent-escapes decoded ("fran%C3%A7ois" is "françois"). */
export function linkKey(url: string): string {
  const bare = safeDecodeUri(url)
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  return slash === -1 ? bare.toLowerCase() : bare.slice(0, slash).toLowerCase() + bare.slice(slash);
}

function safeDecodeUri(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/**
 * Skills are compared by the taxonomy's key ("LLM-agents" is "LLM agents") and shown by the canonical
 * name, in lower case, of the first spelling met.
 */
function skillKey(skill: string): string {
  const key = sameSkill(skill);
  if (!SKILL_NAMES.has(key)) SKILL_NAMES.set(key, canonicalSkill(skill).toLowerCase());
  return SKILL_NAMES.get(key)!;
}
const SKILL_NAMES = new Map<string, string>();
