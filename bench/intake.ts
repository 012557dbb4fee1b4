// Intake throughput: 200 two-page PDF resumes in one bulk request, from the request to every
// candidate scored, on the embedded default (`vitae serve` in its own process: embedded PostgreSQL,
// local disk, workers in the same process).
// Run: node bench/intake.ts [--count 200] [--antivirus host:port]
import { parseArgs } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, antivirus: { type: 'string' } } });
const count = Number(values.count);
const [clamHost, clamPort] = values.antivirus?.split(':') ?? [];
const vitae = await startVitae({ env: { WORKER_CONCURRENCY: '4', ...(clamHost ? { CLAMAV_HOST: clamHost, CLAMAV_PORT: clamPort! } : {}) } });
const { base, auth } = vitae;
const job = (await (
  await fetch(`${base}/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Backend Engineer',
      description: 'Node.js, TypeScript and PostgreSQL services on Kubernetes.',
      skills: ['Node.js', 'PostgreSQL', 'Kubernetes'],
      nice_to_have_skills: ['React'],
    }),
  })
).json()) as { id: string };

const SKILLS = ['Node.js', 'TypeScript', 'PostgreSQL', 'Kubernetes', 'React', 'Python', 'Go', 'AWS', 'Docker', 'Kafka'];
async function resume(i: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const first = pdf.addPage([595, 842]);
  const lines = [
    `Candidate Number${String.fromCharCode(65 + (i % 26))} Person${i}`,
    `person${i}@example.test | +1 415 555 ${String(1000 + i).slice(-4)}`,
    '',
    'Experience',
    `Engineer, Company ${i}   Jan ${2010 + (i % 10)} - Present`,
  ];
  for (let line = 0; line < 30; line += 1)
    lines.push(`Built services with ${SKILLS[(i + line) % SKILLS.length]} and ${SKILLS[(i * 3 + line) % SKILLS.length]} for team ${line}.`);
  lines.forEach((text, row) => first.drawText(text, { x: 50, y: 790 - row * 16, size: 10, font }));
  const second = pdf.addPage([595, 842]);
  ['Education', 'University   2005 - 2009', '', 'Skills', SKILLS.filter((_, k) => (i + k) % 3 !== 0).join(', ')].forEach((text, row) =>
    second.drawText(text, { x: 50, y: 790 - row * 16, size: 10, font }),
  );
  return Buffer.from(await pdf.save());
}

const form = new FormData();
for (let i = 0; i < count; i += 1) form.append('file', new Blob([await resume(i)]), `resume-${i}.pdf`);

const sampler = vitae.sampleRss();
const start = performance.now();
const response = await fetch(`${base}/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers: auth, body: form });
const { results } = (await response.json()) as { results: Array<{ candidate_id?: string }> };
const accepted = performance.now();
for (;;) {
  const list = (await (await fetch(`${base}/jobs/${job.id}/candidates?limit=200&status=scored`, { headers: auth })).json()) as { items: unknown[] };
  if (list.items.length >= results.filter((r) => r.candidate_id).length) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const done = performance.now();
const peak = await sampler.stop();

console.log(
  `| ${count} two-page PDFs, one bulk request${clamHost ? ', with ClamAV' : ', built-in checks only'} | upload ${((accepted - start) / 1000).toFixed(1)} s; all scored after ${((done - start) / 1000).toFixed(1)} s: ${(count / ((done - start) / 1000)).toFixed(1)} resumes/s; server peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB |`,
);
await vitae.stop();
