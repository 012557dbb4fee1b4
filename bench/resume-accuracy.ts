// Field accuracy of resume parsing on the labeled set (test/helpers/resume-fixtures.ts).
// Run: node bench/resume-accuracy.ts
import { extractText } from '../src/resumes/extract.ts';
import { parseResume } from '../src/resumes/fields.ts';
import { labeledResumes } from '../test/helpers/resume-fixtures.ts';

export async function measureAccuracy() {
  const resumes = await labeledResumes();
  let name = 0, email = 0, phone = 0, years = 0, tp = 0, fp = 0, fn = 0;
  const misses: string[] = [];
  for (const resume of resumes) {
    const extracted = await extractText(resume.bytes, resume.contentType);
    if (!extracted.ok) {
      misses.push(`${resume.id}: ${extracted.reason}`);
      fn += resume.expected.skills.length;
      continue;
    }
    const fields = parseResume(extracted.text, { now: new Date('2026-11-01') });
    if (fields.name?.toLowerCase() === resume.expected.name.toLowerCase()) name += 1;
    else misses.push(`${resume.id}: name ${JSON.stringify(fields.name)} ≠ ${resume.expected.name}`);
    if (fields.email === resume.expected.email) email += 1;
    else misses.push(`${resume.id}: email ${fields.email}`);
    if (fields.phone === resume.expected.phone) phone += 1;
    else misses.push(`${resume.id}: phone ${fields.phone} ≠ ${resume.expected.phone}`);
    if (fields.experienceYears !== null && Math.abs(fields.experienceYears - resume.expected.experienceYears) <= 0.5) years += 1;
    else misses.push(`${resume.id}: years ${fields.experienceYears} ≠ ${resume.expected.experienceYears}`);
    const expected = new Set(resume.expected.skills);
    for (const skill of fields.skills) (expected.has(skill) ? (tp += 1) : (fp += 1));
    for (const skill of expected) if (!fields.skills.includes(skill)) fn += 1;
  }
  const n = resumes.length;
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return { n, name: name / n, email: email / n, phone: phone / n, years: years / n, skillsF1: (2 * precision * recall) / (precision + recall), precision, recall, misses };
}

if (import.meta.main) {
  const r = await measureAccuracy();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`| field | accuracy (n=${r.n}) | target |\n|---|---|---|`);
  console.log(`| email | ${pct(r.email)} | ≥ 98% |\n| phone (E.164) | ${pct(r.phone)} | ≥ 98% |\n| name | ${pct(r.name)} | ≥ 95% |`);
  console.log(`| skills F1 | ${r.skillsF1.toFixed(3)} (P ${r.precision.toFixed(3)}, R ${r.recall.toFixed(3)}) | ≥ 0.9 |\n| experience ±0.5 y | ${pct(r.years)} | — |`);
  if (r.misses.length) console.log(`\nMisses:\n${r.misses.map((m) => `- ${m}`).join('\n')}`);
}
