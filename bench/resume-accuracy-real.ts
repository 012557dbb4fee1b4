// Field accuracy of resume extraction and parsing on the labeled set of REAL resumes
// (test/fixtures/real-resumes: public documents Vitae's authors did not make, labeled by reading
// the rendered pages), over the whole set and over the held-out files apart.
// Run: node bench/resume-accuracy-real.ts
import { scoreRealResumes, type FieldScores } from '../test/helpers/real-resumes.ts';

const all = await scoreRealResumes();
const heldOut = await scoreRealResumes({ only: (resume) => resume.heldOut === true });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const f1 = (x: FieldScores['links']) => `${x.f1.toFixed(3)} (P ${x.precision.toFixed(3)}, R ${x.recall.toFixed(3)})`;
const kinds = Object.entries(all.byKind)
  .map(([kind, count]) => `${count} ${kind}`)
  .join(', ');
console.log(
  `Real set: ${all.files} resumes (${kinds})${heldOut.files > 0 ? `, ${heldOut.files} of them held out` : ''}; ${all.msPerResume.toFixed(0)} ms per resume (extract + parse, OCR included); OCR ${all.ocrSecondsPerPage?.toFixed(1) ?? '–'} s per page\n`,
);
const rows: Array<[string, (scores: FieldScores) => string, string]> = [
  ['name + email + phone all right', (s) => pct(s.contact), '≥ 90%'],
  ['email', (s) => pct(s.email), '≥ 98%'],
  ['phone', (s) => pct(s.phone), '≥ 95%'],
  ['name', (s) => pct(s.name), '≥ 92%'],
  ['links F1', (s) => f1(s.links), '≥ 0.90'],
  ['skills F1', (s) => f1(s.skills), '≥ 0.85'],
  ['experience within one year', (s) => pct(s.experience), '≥ 90%'],
];
// Once a held-out round has been used to write rules its flags are removed: then there is no column for it.
const withHeldOut = heldOut.files > 0;
console.log(
  withHeldOut ? `| field | all ${all.files} | ${heldOut.files} held out | target |\n|---|---|---|---|` : `| field | all ${all.files} | target |\n|---|---|---|`,
);
for (const [field, value, target] of rows) console.log(`| ${field} | ${value(all)} |${withHeldOut ? ` ${value(heldOut)} |` : ''} ${target} |`);
const scans = all.perFile.filter((file) => file.kind === 'scan');
console.log(
  `| scans giving name and email | ${scans.filter((file) => file.name && file.email).length} of ${scans.length} |${withHeldOut ? ' |' : ''} 2 of 3 |`,
);
if (all.misses.length) console.log(`\nMisses (${all.misses.length}):\n${all.misses.map((miss) => `- ${miss}`).join('\n')}`);
