/**
 * Malware scanning latency: Vitae's ClamdScanner (INSTREAM, streamed from a file the way the
 * local blob store serves it) next to `clamdscan --stream` of the same file on the same clamd,
 * for 1 MB and 10 MB clean files; then 100 files scanned at once.
 *
 *   node --expose-gc bench/scan.ts [--runs 9] [--out bench/results/scan.md]
 *
 * The clamd is the test harness's (test signatures, loopback), with its result cache turned off
 * so that every run really scans. Each size uses fresh random bytes (incompressible, like the
 * compressed streams of a PDF or a DOCX) and a text file (what clamd's text normalizer reads).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ClamdScanner } from '../src/scan/clamd.ts';
import type { ScanSubject } from '../src/scan/scanner.ts';
import { startClamd } from '../test/helpers/clamd.ts';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : (args[index + 1] ?? fallback);
};
const RUNS = Number(option('runs', '9'));
const OUT = option('out', 'bench/results/scan.md');
const MB = 1024 * 1024;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function textOf(size: number): Buffer {
  const line = Buffer.from('Ada Lovelace, analytical engines, Bernoulli numbers; notes by the translator. ');
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += line.length) line.copy(out, offset);
  return out;
}

function subjectOf(file: string, size: number): ScanSubject {
  return { size, contentType: 'application/octet-stream', category: 'resume', open: async () => createReadStream(file) };
}

process.chdir(path.resolve(import.meta.dirname, '..'));
const dir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-scan-'));
const clamd = await startClamd({ streamMaxLength: '64M', maxThreads: 8, extraConfig: ['DisableCache yes'] });
const scanner = new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: 60_000 });
const lines: string[] = [];
const log = (line = '') => {
  console.log(line);
  lines.push(line);
};

try {
  const version = await scanner.version();
  log('## Malware scanning');
  log();
  log(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`node bench/scan.ts\`: ${version}, test signatures, \`DisableCache yes\`, clamd on loopback TCP; Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 1024 ** 3)} GB.`,
  );
  log(`Median of ${RUNS} runs, each on a fresh file; Vitae and \`clamdscan --stream -c <the same clamd.conf>\` alternate on the same file.`);
  log('`clamdscan` time includes starting the process (~its own fixed cost, shown by the 1-byte row).');
  log();
  log('| file | Vitae ClamdScanner (ms) | clamdscan --stream (ms) | ratio Vitae / clamdscan |');
  log('|---|---:|---:|---:|');

  // Warm up both paths.
  const warm = path.join(dir, 'warm.bin');
  await writeFile(warm, randomBytes(MB));
  await scanner.scan(subjectOf(warm, MB));
  await run('clamdscan', ['--stream', '--no-summary', '-c', clamd.config, warm]);

  const cases: Array<[string, number, (size: number) => Buffer]> = [
    ['1 byte', 1, () => Buffer.from('x')],
    ['1 MB random', MB, randomBytes],
    ['1 MB text', MB, textOf],
    ['10 MB random', 10 * MB, randomBytes],
    ['10 MB text', 10 * MB, textOf],
  ];
  for (const [label, size, make] of cases) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const file = path.join(dir, `f${i}.bin`);
      const bytes = make(size);
      if (make === textOf) bytes.write(`${i} ${Date.now()} `, 0); // distinct files
      await writeFile(file, bytes);
      const measureOurs = async () => {
        const started = performance.now();
        const verdict = await scanner.scan(subjectOf(file, size));
        ours.push(performance.now() - started);
        if (verdict.result !== 'clean') throw new Error(`unexpected verdict ${JSON.stringify(verdict)}`);
      };
      const measureTheirs = async () => {
        const started = performance.now();
        const { stdout } = await run('clamdscan', ['--stream', '--no-summary', '-c', clamd.config, file]);
        theirs.push(performance.now() - started);
        if (!stdout.includes(': OK')) throw new Error(`unexpected clamdscan output ${stdout}`);
      };
      if (i % 2 === 0) {
        await measureOurs();
        await measureTheirs();
      } else {
        await measureTheirs();
        await measureOurs();
      }
      await rm(file);
    }
    log(`| ${label} | ${median(ours).toFixed(1)} | ${median(theirs).toFixed(1)} | ${(median(ours) / median(theirs)).toFixed(2)} |`);
  }

  // Memory: streaming 10 MB files never holds them whole.
  const big = path.join(dir, 'big.bin');
  const handle = await open(big, 'w');
  for (let i = 0; i < 50; i += 1) await handle.write(randomBytes(MB));
  await handle.close();
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
  await scanner.scan(subjectOf(big, 50 * MB));
  clearInterval(sampler);
  log();
  log(
    `Streaming a 50 MB file through ClamdScanner: peak RSS ${((rssPeak - rssBefore) / MB).toFixed(1)} MB above the RSS before the scan (${(rssBefore / MB).toFixed(0)} MB): no whole-file buffer.`,
  );

  // Concurrency: 100 files of 1 MB at once.
  const files: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    const file = path.join(dir, `c${i}.bin`);
    await writeFile(file, i % 2 ? randomBytes(MB) : textOf(MB));
    files.push(file);
  }
  const started = performance.now();
  const settled = await Promise.allSettled(files.map((file) => scanner.scan(subjectOf(file, MB))));
  const elapsed = performance.now() - started;
  const errors = settled.filter((result) => result.status === 'rejected');
  const clean = settled.filter((result) => result.status === 'fulfilled' && result.value.result === 'clean').length;
  log();
  log(
    `100 files of 1 MB scanned at once (clamd MaxThreads 8): ${clean} clean, ${errors.length} errors, ${(elapsed / 1000).toFixed(2)} s in all, ${(100 / (elapsed / 1000)).toFixed(1)} files/s.`,
  );
  if (errors.length > 0) log(`First error: ${String((errors[0] as PromiseRejectedResult).reason)}`);
  log();
  log("Target (issue 5): Vitae at most 1.2× the direct `clamdscan --stream` time. The scan itself is clamd's work (random bytes cost it more than text);");
  log('Vitae adds one TCP connection and 64 KiB length-prefixed frames written with backpressure, and saves the process start that clamdscan pays.');
  log('Figures move with the load of the machine (a shared CI box here): compare the ratio column, not absolute times.');
} finally {
  await clamd.stop();
  await rm(dir, { recursive: true, force: true });
}

await writeFile(OUT, `${lines.join('\n')}\n`);
console.log(`\nwritten to ${OUT}`);
