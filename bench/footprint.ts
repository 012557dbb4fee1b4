// The memory of `vitae serve`: resident memory once it is idle after start, then its peak during
// 20 concurrent streamed 10 MB uploads. Runs the server in its own process (bench/support), so the
// figures are the server's alone.
//
//   node bench/footprint.ts [--db embedded|system] [--workers true|false] [--repeat 3] [--node-flags "…"] [--entry bin/vitae.js]
//
// `--node-flags="--max-semi-space-size=4"` starts the server with those Node.js options instead of
// those of `npm start` (`--max-semi-space-size=8`); `--node-flags=""` with none (V8's defaults).
// `--entry src/cli.ts` runs the TypeScript sources instead of what `npm start` runs (bin/vitae.js:
// the compiled dist/, `npm run build`).
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { median, NPM_START_FLAGS, startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'embedded' },
    workers: { type: 'string', default: 'true' },
    repeat: { type: 'string', default: '3' },
    'node-flags': { type: 'string' },
    entry: { type: 'string', default: 'bin/vitae.js' },
  },
});
const MB = 1024 * 1024;
const CONCURRENCY = 20;

const scratch = await mkdtemp(path.join(tmpdir(), 'vitae-footprint-'));
const tenMb = path.join(scratch, 'import.csv');
const line = 'id,name,email,notes\n1,Ada,ada@example.test,' + 'x'.repeat(60) + '\n';
await writeFile(tenMb, line.repeat(Math.ceil((10 * MB) / line.length)).slice(0, 10 * MB));

const nodeFlags = values['node-flags'] === undefined ? NPM_START_FLAGS : values['node-flags'].split(' ').filter(Boolean);
const idle: number[] = [];
const peaks: number[] = [];
const rates: number[] = [];
for (let run = 0; run < Number(values.repeat); run++) {
  const vitae = await startVitae({
    db: values.db === 'system' ? 'system' : 'embedded',
    env: { VITAE_RUN_WORKERS: values.workers === 'false' ? 'false' : 'true' },
    nodeFlags,
    entry: values.entry,
  });
  try {
    // Idle: after start-up work (migrations, the reconciler queued at start) has settled.
    await sleep(5000);
    idle.push(await vitae.rss());
    const sampler = vitae.sampleRss();
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: CONCURRENCY }, () => upload(vitae.base, vitae.auth)));
    peaks.push(await sampler.stop());
    rates.push((CONCURRENCY * 10) / ((performance.now() - started) / 1000));
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length) throw new Error(`${failed.length} uploads failed: ${String(failed[0]!.reason)}`);
    console.error(`run ${run + 1}: idle ${(idle.at(-1)! / MB).toFixed(0)} MB, peak ${(peaks.at(-1)! / MB).toFixed(0)} MB, ${rates.at(-1)!.toFixed(0)} MB/s`);
  } finally {
    await vitae.stop();
  }
}
await rm(scratch, { recursive: true, force: true });

const show = (values: number[]) => `${(median(values) / MB).toFixed(0)} MB (${values.map((v) => (v / MB).toFixed(0)).join(', ')})`;
console.log(
  `| \`vitae serve\` (${values.entry}, ${values.db}, workers ${values.workers === 'false' ? 'off' : 'on'}, node ${nodeFlags.join(' ') || 'V8 defaults'}) | ${show(idle)} | ${show(peaks)} | ${median(rates).toFixed(0)} MB/s |`,
);

/** A streamed multipart upload to POST /files (csv_import), the body read from disk. */
async function upload(base: string, auth: Record<string, string>): Promise<void> {
  const boundary = `bench${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\ncsv_import\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="import.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (async function* () {
      yield head;
      yield* createReadStream(tenMb, { highWaterMark: 256 * 1024 });
      yield tail;
    })(),
  );
  await new Promise<void>((resolve, reject) => {
    const req = request(`${base}/files`, { method: 'POST', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`upload answered ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}
