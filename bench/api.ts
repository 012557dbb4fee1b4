// API benchmarks: Vitae started as `vitae serve` in its own process,
// next to the raw baseline (a bare node:http server, also its own process), the client here.
// - request rates (autocannon, 50 connections, a warm-up first, median of --repeat runs) for
//   signing uploads and downloads and reading metadata;
// - streamed transfers (node:http, bodies streamed from files, never buffered): upload 1 MB,
//   100 MB, 20 and 50 concurrent 10 MB; download 100 MB; the server's peak RSS;
// - listing a page of 50 with 1,000,000 rows in the table.
// - the same signing rates with the load spread over 50 members of the organization (one per
//   connection), the way many users of one busy organization sign at once.
// Run: node bench/api.ts [--db embedded|system] [--duration 10] [--repeat 3] [--quick] [--node-flags "…"]
// (`--node-flags` as in bench/footprint.ts: the server's Node.js options instead of those of `npm start`.)
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { median, startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'embedded' },
    duration: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    // Only the request rates and the 1 MB upload: a shorter run while tuning them.
    quick: { type: 'boolean', default: false },
    'node-flags': { type: 'string' },
  },
});
const duration = Number(values.duration);
const repeat = Number(values.repeat);
const MB = 1024 * 1024;

const scratch = await mkdtemp(path.join(tmpdir(), 'vitae-bench-client-'));
const rawPort = 17000 + Math.floor(Math.random() * 1000);
const raw = fork('bench/support/raw-server.ts', [], { env: { ...process.env, PORT: String(rawPort), DIR: scratch } });
await new Promise((resolve) => raw.once('message', resolve));
const rawOrigin = `http://127.0.0.1:${rawPort}`;
// CSV imports allow 50 MB by default: raise it for the 100 MB transfers.
const vitae = await startVitae({
  db: values.db === 'system' ? 'system' : 'embedded',
  env: { MAX_SIZE_CSV_IMPORT: String(200 * 1024 * 1024) },
  ...(values['node-flags'] === undefined ? {} : { nodeFlags: values['node-flags'].split(' ').filter(Boolean) }),
});
const { base, auth } = vitae;

const rows: string[] = [];
const row = (what: string, vitaeFigure: string, rawFigure = '') => {
  rows.push(`| ${what} | ${vitaeFigure} | ${rawFigure} |`);
  console.error(rows.at(-1)); // progress, while the table builds
};

// ---- request rates --------------------------------------------------------------------------
type Load = Omit<autocannon.Options, 'url'> & { url: string };
async function rate(options: Load, connections = 50): Promise<{ rps: number; mean: number; p50: number; p99: number; errors: number }> {
  await autocannon({ ...options, connections, duration: 2 }); // warm-up: JIT, pools, caches
  const runs = [];
  for (let i = 0; i < repeat; i += 1) runs.push(await autocannon({ ...options, connections, duration }));
  return {
    rps: Math.round(median(runs.map((r) => r.requests.average))),
    // autocannon's latencies are whole milliseconds: the mean comes from the rate instead (Little's law).
    mean: (1000 * connections) / median(runs.map((r) => r.requests.average)),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    errors: runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
}
const show = (r: Awaited<ReturnType<typeof rate>>) =>
  `${r.rps} req/s, mean ${r.mean.toFixed(2)} ms, p50 ${r.p50} ms, p99 ${r.p99} ms${r.errors ? `, ${r.errors} errors` : ''}`;

const initiate: Load = {
  url: `${base}/files/upload/initiate`,
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 100_000, category: 'resume' }),
};
const rawSign: Load = { url: `${rawOrigin}/sign`, method: 'POST' };
row('sign an upload URL (initiate), 50 connections', show(await rate(initiate)), show(await rate(rawSign)));
row('sign an upload URL, 1 connection', show(await rate(initiate, 1)), show(await rate(rawSign, 1)));

const small = await uploadFile(await sourceFile(0.001, 'resume.txt'), 'resume', 'resume.txt');
await waitUntilClean(small.id);
row('sign a download URL, 50 connections', show(await rate({ url: `${base}/files/${small.id}/download`, headers: auth })), show(await rate(rawSign)));
row('GET /files/{id} (metadata), 50 connections', show(await rate({ url: `${base}/files/${small.id}`, headers: auth })));

// 50 members of the organization, one per connection: their entries share the organization's audit chains.
const members = await Promise.all(Array.from({ length: 49 }, (_, i) => joinMember(i)));
const perConnection = (load: Load): Load => {
  let next = 0;
  const everyone = [auth, ...members];
  return { ...load, setupClient: (client) => client.setHeaders({ ...load.headers, ...everyone[next++ % everyone.length] }) };
};
row('sign an upload URL, 50 connections of 50 members', show(await rate(perConnection(initiate))), show(await rate(rawSign)));
row(
  'sign a download URL, 50 connections of 50 members',
  show(await rate(perConnection({ url: `${base}/files/${small.id}/download`, headers: auth }))),
  show(await rate(rawSign)),
);

/** Invites a recruiter into the benchmark's organization and registers them: their authorization header. */
async function joinMember(i: number): Promise<{ authorization: string }> {
  const email = `member-${i}@example.test`;
  const invited = await fetch(`${base}/orgs/${vitae.user.org_id}/members`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const { invitation_token } = (await invited.json()) as { invitation_token: string };
  const registered = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: vitae.account.password, name: `Member ${i}`, role: 'recruiter', invitation_token }),
  });
  if (registered.status !== 201) throw new Error(`a member's registration answered ${registered.status}: ${await registered.text()}`);
  return { authorization: `Bearer ${((await registered.json()) as { access_token: string }).access_token}` };
}

// ---- transfers ------------------------------------------------------------------------------
async function sourceFile(mb: number, name: string): Promise<string> {
  const file = path.join(scratch, `source-${mb}-${name}`);
  await writeFile(file, Buffer.alloc(Math.round(mb * MB), 'a'));
  return file;
}

/** Sends `body` (streamed) and resolves with the status and the response text. */
function send(url: string, method: string, headers: Record<string, string | number>, body: Readable | null): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

/** A multipart upload to POST /files, the file streamed from disk. */
async function uploadFile(file: string, category: string, filename: string): Promise<{ id: string }> {
  const boundary = `bench${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n${category}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (async function* () {
      yield head;
      yield* createReadStream(file, { highWaterMark: 256 * 1024 });
      yield tail;
    })(),
  );
  const { status, text } = await send(`${base}/files`, 'POST', { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, body);
  if (status !== 201) throw new Error(`upload answered ${status}: ${text}`);
  return JSON.parse(text) as { id: string };
}

async function rawUpload(file: string): Promise<void> {
  const { status } = await send(
    `${rawOrigin}/upload`,
    'POST',
    { 'content-type': 'application/octet-stream' },
    createReadStream(file, { highWaterMark: 256 * 1024 }),
  );
  if (status !== 201) throw new Error(`raw upload answered ${status}`);
}

async function download(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`download answered ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function waitUntilClean(id: string): Promise<void> {
  for (;;) {
    const file = (await (await fetch(`${base}/files/${id}`, { headers: auth })).json()) as { status: string };
    if (file.status === 'clean') return;
    if (['infected', 'rejected'].includes(file.status)) throw new Error(`the benchmark file was ${file.status}`);
    await sleep(100);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const oneMb = await sourceFile(1, 'import.csv');
const oneMbTimes: number[] = [];
const rawOneMbTimes: number[] = [];
for (let i = 0; i < 21; i += 1) {
  oneMbTimes.push(await timed(() => uploadFile(oneMb, 'csv_import', 'import.csv')));
  rawOneMbTimes.push(await timed(() => rawUpload(oneMb)));
}
row('upload 1 MB through the API, p50 of 21', `${median(oneMbTimes).toFixed(1)} ms`, `${median(rawOneMbTimes).toFixed(1)} ms`);
if (values.quick) await finish();

const hundredMb = await sourceFile(100, 'import.csv');
const rssBefore = await vitae.rss();
const sampler = vitae.sampleRss();
const hundred: number[] = [];
const rawHundred: number[] = [];
let bigId = '';
for (let i = 0; i < 3; i += 1) {
  hundred.push(100 / ((await timed(async () => (bigId = (await uploadFile(hundredMb, 'csv_import', 'import.csv')).id))) / 1000));
  rawHundred.push(100 / ((await timed(() => rawUpload(hundredMb))) / 1000));
}
const hundredPeak = await sampler.stop();
row(
  'upload 100 MB through the API, median of 3',
  `${median(hundred).toFixed(0)} MB/s (${Math.round((100 * median(hundred)) / median(rawHundred))}% of raw); server RSS +${((hundredPeak - rssBefore) / MB).toFixed(0)} MB`,
  `${median(rawHundred).toFixed(0)} MB/s`,
);

const tenMb = await sourceFile(10, 'import.csv');
for (const concurrency of [20, 50]) {
  const before = await vitae.rss();
  const peak = vitae.sampleRss();
  let succeeded = 0;
  const seconds =
    (await timed(() => Promise.all(Array.from({ length: concurrency }, () => uploadFile(tenMb, 'csv_import', 'import.csv').then(() => (succeeded += 1)))))) /
    1000;
  const peakRss = await peak.stop();
  const rawSeconds = (await timed(() => Promise.all(Array.from({ length: concurrency }, () => rawUpload(tenMb))))) / 1000;
  row(
    `${concurrency} concurrent 10 MB uploads, total`,
    `${succeeded}/${concurrency} succeeded, ${((concurrency * 10) / seconds).toFixed(0)} MB/s; server peak RSS ${(peakRss / MB).toFixed(0)} MB (+${((peakRss - before) / MB).toFixed(0)} MB)`,
    `${((concurrency * 10) / rawSeconds).toFixed(0)} MB/s`,
  );
}

await waitUntilClean(bigId);
const signed = (await (await fetch(`${base}/files/${bigId}/download`, { headers: auth })).json()) as { url: string };
const rawCopy = path.join(scratch, 'download-100');
await writeFile(rawCopy, Buffer.alloc(100 * MB, 'a'));
const content: number[] = [];
const presigned: number[] = [];
const rawDownload: number[] = [];
for (let i = 0; i < 3; i += 1) {
  content.push(100 / ((await timed(() => download(`${base}/files/${bigId}/content`, auth))) / 1000));
  presigned.push(100 / ((await timed(() => download(signed.url))) / 1000));
  rawDownload.push(100 / ((await timed(() => download(`${rawOrigin}/download/download-100`))) / 1000));
}
row('download 100 MB (GET /files/{id}/content), median of 3', `${median(content).toFixed(0)} MB/s`, `${median(rawDownload).toFixed(0)} MB/s`);
row('download 100 MB (the pre-signed URL), median of 3', `${median(presigned).toFixed(0)} MB/s`, `${median(rawDownload).toFixed(0)} MB/s`);

// ---- listing with a million rows (seeded in bulk, one organization) --------------------------
await vitae.database.query(
  `INSERT INTO files (id, owner_id, org_id, category, filename, content_type, size, sha256, status, created_at, updated_at)
   SELECT gen_random_uuid(), $1, $2, 'resume', 'seed.pdf', 'application/pdf', 1000, md5(g::text), 'clean', date_trunc('milliseconds', now()) - (g || ' seconds')::interval, now()
   FROM generate_series(1, 1000000) AS g`,
  [vitae.user.id, vitae.user.org_id],
);
await vitae.database.query('ANALYZE files');
const firstPage = { url: `${base}/files?limit=50`, headers: auth };
const page = (await (await fetch(firstPage.url, { headers: auth })).json()) as { next_cursor: string };
const laterPage = { url: `${base}/files?limit=50&cursor=${page.next_cursor}`, headers: auth };
row('GET /files?limit=50, 1,000,000 rows, 1 connection', show(await rate(firstPage, 1)));
row('GET /files?limit=50, 1,000,000 rows, 50 connections', show(await rate(firstPage)));
row('the same, a later page (cursor), 1 connection', show(await rate(laterPage, 1)));

await finish();

async function finish(): Promise<never> {
  console.log(
    `\n### API on ${values.db === 'system' ? 'the system PostgreSQL' : 'the embedded PostgreSQL'}, local disk; ${repeat} × ${duration} s per load test after a 2 s warm-up\n`,
  );
  console.log('| what | Vitae | raw node:http |\n|---|---|---|');
  console.log(rows.join('\n'));
  await vitae.stop();
  raw.kill();
  await rm(scratch, { recursive: true, force: true });
  process.exit(0);
}
