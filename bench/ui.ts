// The web app's weight and speed: initial JavaScript (what index.html loads before any lazy chunk)
// raw, gzip and brotli; and the Largest Contentful Paint of a job page listing 200 scored
// candidates, on loopback in Chromium, cold (HTTP cache disabled) and warm.
// Run: npm run build && node bench/ui.ts [--runs 15] [--out bench/results/ui.md]
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, out: { type: 'string', default: 'bench/results/ui.md' }, candidates: { type: 'string', default: '200' } },
});
const runs = Number(values.runs);
const count = Number(values.candidates);
const dist = 'web/dist';
if (!existsSync(path.join(dist, 'index.html'))) throw new Error('Build the web app first: npm run build');

// ---- initial JavaScript ---------------------------------------------------------------------
const html = await readFile(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\brel="(?:modulepreload|stylesheet)"[^>]*\bhref)="([^"]+)"/g)].map((match) => match[1]!);
const sizes = await Promise.all(
  initial.map(async (asset) => {
    const body = await readFile(path.join(dist, asset));
    return { asset, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, brotli: brotliCompressSync(body).length };
  }),
);
const js = sizes.filter((size) => size.asset.endsWith('.js'));
const sum = (list: typeof sizes, key: 'raw' | 'gzip' | 'brotli') => list.reduce((total, size) => total + size[key], 0);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

// ---- a server with a job of 200 scored candidates -------------------------------------------
const vitae = await startVitae({ env: { NODE_ENV: 'development', WORKER_CONCURRENCY: '4' } });
const { origin, base, auth, account } = vitae;
const job = (await (
  await fetch(`${base}/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Backend Engineer',
      description: 'Node.js, TypeScript and PostgreSQL services on Kubernetes.',
      skills: ['Node.js', 'TypeScript', 'PostgreSQL', 'Kubernetes'],
      nice_to_have_skills: ['React'],
    }),
  })
).json()) as { id: string };

const SKILLS = ['Node.js', 'TypeScript', 'PostgreSQL', 'Kubernetes', 'React', 'Python', 'Go', 'AWS', 'Docker', 'Kafka'];
const form = new FormData();
for (let i = 0; i < count; i++) {
  const skills = SKILLS.filter((_, k) => (i + k) % 3 !== 0 && (i * 7 + k) % 5 !== 0);
  const text = [
    `Person${i} Candidate${String.fromCharCode(65 + (i % 26))}`,
    `person${i}@example.test`,
    '',
    'Skills',
    skills.join(', '),
    '',
    'Experience',
    `Engineer, Company ${i} (${2024 - (i % 12)} - 2025)`,
    `Built services with ${skills.slice(0, 3).join(', ')}.`,
  ].join('\n');
  form.append('file', new Blob([text], { type: 'text/plain' }), `person-${i}.txt`);
}
const started = Date.now();
await fetch(`${base}/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers: auth, body: form });
for (;;) {
  const list = (await (await fetch(`${base}/jobs/${job.id}/candidates?limit=200&status=scored`, { headers: auth })).json()) as { items: unknown[] };
  if (list.items.length >= Math.min(count, 200)) break;
  if (Date.now() - started > 300_000) throw new Error(`only ${list.items.length} candidates scored after 5 minutes`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

// ---- Largest Contentful Paint in Chromium ----------------------------------------------------
interface PageGlobals {
  PerformanceObserver: new (callback: (list: { getEntries(): Array<{ startTime: number }> }) => void) => {
    observe(options: { type: string; buffered: boolean }): void;
  };
  performance: { getEntriesByType(type: string): Array<{ responseEnd: number; domContentLoadedEventEnd: number }> };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
const setup = await context.newPage();
await setup.goto(`${origin}/signin`);
await setup.getByLabel('Email').fill(account.email);
await setup.getByLabel('Password', { exact: true }).fill(account.password);
await setup.getByRole('button', { name: 'Sign in' }).click();
await setup.getByRole('heading', { name: 'Jobs' }).waitFor();
await setup.close();

async function measure(cold: boolean): Promise<{ lcp: number; list: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
  await page.goto(`${origin}/jobs/${job.id}`);
  await page
    .locator('.ranking > li')
    .nth(Math.min(count, 200) - 1)
    .waitFor();
  const list = await page.evaluate(() => (globalThis as unknown as { performance: { now(): number } }).performance.now());
  const lcp = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const globals = globalThis as unknown as PageGlobals;
        new globals.PerformanceObserver((entries) => resolve(entries.getEntries().at(-1)?.startTime ?? -1)).observe({
          type: 'largest-contentful-paint',
          buffered: true,
        });
      }),
  );
  await page.close();
  return { lcp, list };
}

const results: Record<'cold' | 'warm', Array<{ lcp: number; list: number }>> = { cold: [], warm: [] };
const loadBefore = loadavg()[0]!;
await measure(false); // warm-up: the server's first queries, Chromium's first page
for (let run = 0; run < runs; run++) {
  results.cold.push(await measure(true));
  results.warm.push(await measure(false));
}
const loadAfter = loadavg()[0]!;
await browser.close();
await vitae.stop();

const quantile = (list: number[], q: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (value: number) => `${Math.round(value)} ms`;
const row = (label: string, list: Array<{ lcp: number; list: number }>) =>
  `| ${label} | ${ms(
    quantile(
      list.map((r) => r.lcp),
      0.5,
    ),
  )} | ${ms(
    quantile(
      list.map((r) => r.lcp),
      0.95,
    ),
  )} | ${ms(
    quantile(
      list.map((r) => r.list),
      0.5,
    ),
  )} |`;

const report = `## Web app (bench/ui.ts)

Measured ${new Date().toISOString().slice(0, 10)} with \`node bench/ui.ts --runs ${runs}\`: Chromium (${browser.version()}) headless on loopback, 1280×860, \`vitae serve\` in
its own process with the embedded PostgreSQL; Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}).

### Initial JavaScript

What \`index.html\` loads before anything else (the PDF viewer and the organization pages are
separate chunks, loaded when used). The server sends the build's pre-compressed files.

| asset | raw | gzip | brotli |
|---|---|---|---|
${sizes.map((size) => `| \`${size.asset}\` | ${kb(size.raw)} | ${kb(size.gzip)} | ${kb(size.brotli)} |`).join('\n')}
| **initial JavaScript** | ${kb(sum(js, 'raw'))} | **${kb(sum(js, 'gzip'))}** | ${kb(sum(js, 'brotli'))} |

Target: at most 200 KB gzipped — **${sum(js, 'gzip') <= 200 * 1024 ? 'met' : 'not met'}**.

### Job page with ${Math.min(count, 200)} scored candidates

A full page load of \`/jobs/{id}\` for a signed-in recruiter: HTML, JavaScript, the session
restored from the refresh cookie, the job and its ${Math.min(count, 200)} ranked candidates, rendered. ${runs} runs each;
cold = HTTP cache disabled, warm = assets from the cache (as on a second visit).

| load | LCP median | LCP p95 | all ${Math.min(count, 200)} rows rendered (median) |
|---|---|---|---|
${row('cold', results.cold)}
${row('warm', results.warm)}

Machine load (1-minute average) ${loadBefore.toFixed(1)} before the runs and ${loadAfter.toFixed(1)} after, on ${cpus().length} CPUs: above ~1 the
other processes' work shows in these times (Chromium, the server and the database share the CPUs).

Target: LCP under 500 ms — **${
  quantile(
    results.cold.map((r) => r.lcp),
    0.5,
  ) < 500
    ? 'met'
    : 'not met'
}** (cold median).
`;
await mkdir(path.dirname(values.out), { recursive: true });
await writeFile(values.out, report);
console.log(report);
process.exit(0);
