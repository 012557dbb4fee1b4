// Field accuracy of resume extraction and parsing on the labeled set
// (test/fixtures/resumes/labeled-set.ts). Run: node bench/resume-accuracy.ts [--misses]
import { DocumentTextExtractor } from '../src/resumes/extract.ts';
import { parseResume } from '../src/resumes/fields.ts';
import { labeledResumes } from '../test/fixtures/resumes/labeled-set.ts';
import { NOW } from '../test/helpers/resume-fixtures.ts';

export interface Accuracy {
  n: number;
  byFormat: Record<string, number>;
  name: number;
  email: number;
  phone: number;
  experience: number;
  skills: { f1: number; precision: number; recall: number };
  misses: string[];
  msPerResume: number;
}

export async function measureAccuracy(): Promise<Accuracy> {
  const resumes = await labeledResumes();
  const extractor = new DocumentTextExtractor();
  const hits = { name: 0, email: 0, phone: 0, experience: 0 };
  const skills = { tp: 0, fp: 0, fn: 0 };
  const byFormat: Record<string, number> = {};
  const misses: string[] = [];
  const started = performance.now();
  for (const resume of resumes) {
    byFormat[resume.format] = (byFormat[resume.format] ?? 0) + 1;
    const { expected } = resume;
    let text = '';
    try {
      text = (await extractor.extract({ bytes: resume.bytes, contentType: resume.contentType })).text;
    } catch (error) {
      misses.push(`${resume.id}: extraction failed (${(error as Error).message})`);
    }
    const fields = parseResume(text, { now: NOW });
    const check = (field: keyof typeof hits, ok: boolean, got: unknown, want: unknown) => {
      if (ok) hits[field] += 1;
      else misses.push(`${resume.id}: ${field} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    };
    // Names compare without regard to case: an ALL-CAPS header cannot tell "McDonald" from "Mcdonald".
    check('name', fields.name?.toLocaleLowerCase() === expected.name.toLocaleLowerCase(), fields.name, expected.name);
    check('email', fields.email === expected.email, fields.email, expected.email);
    check('phone', fields.phone === expected.phone, fields.phone, expected.phone);
    check(
      'experience',
      fields.experienceYears !== null && Math.abs(fields.experienceYears - expected.experienceYears) <= 0.5,
      fields.experienceYears,
      expected.experienceYears,
    );
    const want = new Set(expected.skills);
    const extra = fields.skills.filter((skill) => !want.has(skill));
    const missing = expected.skills.filter((skill) => !fields.skills.includes(skill));
    skills.tp += fields.skills.length - extra.length;
    skills.fp += extra.length;
    skills.fn += missing.length;
    if (extra.length || missing.length) misses.push(`${resume.id}: skills +${JSON.stringify(extra)} -${JSON.stringify(missing)}`);
  }
  const n = resumes.length;
  const precision = skills.tp / (skills.tp + skills.fp || 1);
  const recall = skills.tp / (skills.tp + skills.fn || 1);
  return {
    n,
    byFormat,
    name: hits.name / n,
    email: hits.email / n,
    phone: hits.phone / n,
    experience: hits.experience / n,
    skills: { f1: (2 * precision * recall) / (precision + recall || 1), precision, recall },
    misses,
    msPerResume: (performance.now() - started) / n,
  };
}

if (import.meta.main) {
  const result = await measureAccuracy();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `Labeled set: ${result.n} resumes (${Object.entries(result.byFormat)
      .map(([format, count]) => `${count} ${format}`)
      .join(', ')}); ${result.msPerResume.toFixed(1)} ms per resume (extract + parse)\n`,
  );
  console.log('| field | result | target |\n|---|---|---|');
  console.log(`| email | ${pct(result.email)} | ≥ 98% |`);
  console.log(`| phone (E.164) | ${pct(result.phone)} | ≥ 98% |`);
  console.log(`| name | ${pct(result.name)} | ≥ 95% |`);
  console.log(
    `| skills F1 | ${result.skills.f1.toFixed(3)} (precision ${result.skills.precision.toFixed(3)}, recall ${result.skills.recall.toFixed(3)}) | ≥ 0.90 |`,
  );
  console.log(`| experience within ±0.5 years | ${pct(result.experience)} | — |`);
  if (result.misses.length) console.log(`\nMisses:\n${result.misses.map((miss) => `- ${miss}`).join('\n')}`);
}
