// Field accuracy of resume extraction and parsing on the labeled set of REAL resumes
// (test/fixtures/real-resumes: public documents Vitae's authors did not make, labeled by reading
// the rendered pages). Run: node bench/resume-accuracy-real.ts
import { scoreRealResumes } from '../test/helpers/real-resumes.ts';

const result = await scoreRealResumes();
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  `Real set: ${result.files} resumes (${Object.entries(result.byKind)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(
      ', ',
    )}); ${result.msPerResume.toFixed(0)} ms per resume (extract + parse, OCR included); OCR ${result.ocrSecondsPerPage?.toFixed(1) ?? '–'} s per page\n`,
);
console.log('| field | result | target |\n|---|---|---|');
console.log(`| name + email + phone all right | ${pct(result.contact)} | ≥ 90% |`);
console.log(`| email | ${pct(result.email)} | ≥ 98% |`);
console.log(`| phone | ${pct(result.phone)} | ≥ 95% |`);
console.log(`| name | ${pct(result.name)} | ≥ 92% |`);
console.log(`| links F1 | ${result.links.f1.toFixed(3)} (precision ${result.links.precision.toFixed(3)}, recall ${result.links.recall.toFixed(3)}) | ≥ 0.90 |`);
console.log(
  `| skills F1 | ${result.skills.f1.toFixed(3)} (precision ${result.skills.precision.toFixed(3)}, recall ${result.skills.recall.toFixed(3)}) | ≥ 0.85 |`,
);
console.log(`| experience within one year | ${pct(result.experience)} | ≥ 90% |`);
if (result.misses.length) console.log(`\nMisses (${result.misses.length}):\n${result.misses.map((miss) => `- ${miss}`).join('\n')}`);
