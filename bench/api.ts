// API benchmarks: signing uploads and reading metadata under load (autocannon, 50 connections),
// streamed uploads through the API next to a raw fs copy, and listing with a million rows.
// Run: node bench/api.ts [--db embedded|system] [--duration 10]
// It starts Vitae in-process on loopback with the chosen database and local storage.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { buildApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { createRuntime } from '../src/runtime.ts';
import { createServices } from '../src/services/index.ts';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'embedded' }, duration: { type: 'string', default: '10' } } });
const duration = Number(values.duration);
const dir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-'));
const { chmod } = await import('node:fs/promises');
await chmod(dir, 0o755);

let databaseUrl: string;
let stopDb = async () => {};
if (values.db === 'system') {
  const name = `vitae_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  stopDb = async () => {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  };
} else {
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  databaseUrl = embedded.connectionString;
  stopDb = () => embedded.stop();
}

const port = 18000 + Math.floor(Math.random() * 1000);
const config = loadConfig({
  NODE_ENV: 'production',
  VITAE_ALLOW_NO_ANTIVIRUS: 'true',
  LOG_LEVEL: 'warn',
  VITAE_DATA_DIR: dir,
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: '20',
  JWT_SECRET: randomBytes(32).toString('hex'),
  URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  RATE_LIMIT_AUTH_PER_IP: '100000',
  RATE_LIMIT_AUTH_PER_ACCOUNT: '100000',
});
const runtime = await createRuntime(config, createLogger('warn'), { startEmbeddedDatabase: false, migrate: true });
const services = createServices(runtime);
const app = await buildApp(runtime, services);
await app.listen({ host: '127.0.0.1', port });
const base = `http://127.0.0.1:${port}/api/v1`;

const registered = await (await fetch(`${base}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.test', password: 'benchmark password', name: 'Bench', role: 'recruiter', org_name: 'Bench' }) })).json() as any;
const auth = { authorization: `Bearer ${registered.access_token}` };

const rows: string[] = [];
const table = (what: string, value: string) => rows.push(`| ${what} | ${value} |`);

async function load(title: string, options: autocannon.Options) {
  const result = await autocannon({ connections: 50, duration, ...options });
  table(title, `${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} errors`);
}

await load('initiate (sign an upload URL), 50 connections', {
  url: `${base}/files/upload/initiate`,
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 100_000, category: 'resume' }),
});
const single = await autocannon({ connections: 1, duration: Math.max(3, duration / 2), url: `${base}/files/upload/initiate`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 100_000, category: 'resume' }) });
table('initiate, 1 connection', `p50 ${single.latency.p50} ms`);

const form = new FormData();
form.append('category', 'resume');
form.append('file', new Blob(['A resume for the benchmark\n']), 'cv.txt');
const file = await (await fetch(`${base}/files`, { method: 'POST', headers: auth, body: form })).json() as any;
await load('GET /files/{id} (metadata, audited), 50 connections', { url: `${base}/files/${file.id}`, headers: auth });

// Streamed uploads through the API vs a raw fs copy of the same bytes.
for (const mb of [1, 10, 100]) {
  const source = path.join(dir, `source-${mb}`);
  await writeFile(source, Buffer.alloc(mb * 1024 * 1024, 'a'));
  const rawStart = performance.now();
  await pipeline(createReadStream(source), createWriteStream(path.join(dir, `copy-${mb}`)));
  const raw = (mb / ((performance.now() - rawStart) / 1000)).toFixed(0);
  const times: number[] = [];
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < 3; i += 1) {
    const body = new FormData();
    body.append('category', 'csv_import');
    body.append('file', new Blob([await (await import('node:fs/promises')).readFile(source)]), 'import.csv');
    const start = performance.now();
    const response = await fetch(`${base}/files`, { method: 'POST', headers: auth, body });
    await response.arrayBuffer();
    times.push(performance.now() - start);
  }
  clearInterval(sampler);
  times.sort((a, b) => a - b);
  const median = times[1]!;
  table(`upload ${mb} MB through the API (median of 3)`, `${median.toFixed(0)} ms, ${(mb / (median / 1000)).toFixed(0)} MB/s (raw fs copy ${raw} MB/s); process RSS growth ${((peak - rssBefore) / 1024 / 1024).toFixed(0)} MB incl. the client's buffers`);
}

// 50 concurrent 10 MB uploads.
{
  const payload = Buffer.alloc(10 * 1024 * 1024, 'b');
  const start = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const body = new FormData();
      body.append('category', 'csv_import');
      body.append('file', new Blob([payload]), 'import.csv');
      return (await fetch(`${base}/files`, { method: 'POST', headers: auth, body })).status;
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  table('50 concurrent 10 MB uploads', `${statuses.filter((s) => s === 201).length}/50 succeeded, ${(500 / seconds).toFixed(0)} MB/s total`);
}

// Listing with a million rows in the table (seeded in bulk, one organization).
{
  const orgId = registered.user.org_id;
  const userId = registered.user.id;
  await sql`INSERT INTO files (id, owner_id, org_id, category, filename, content_type, size, sha256, status, created_at, updated_at)
            SELECT gen_random_uuid(), ${userId}, ${orgId}, 'resume', 'seed.pdf', 'application/pdf', 1000, md5(g::text), 'clean', now() - (g || ' seconds')::interval, now()
            FROM generate_series(1, 1000000) AS g`.execute(runtime.db);
  await sql`ANALYZE files`.execute(runtime.db);
  await load('GET /files?limit=50 with 1,000,000 rows, 50 connections', { url: `${base}/files?limit=50`, headers: auth });
  const page = await (await fetch(`${base}/files?limit=50`, { headers: auth })).json() as any;
  await load('GET /files?limit=50&cursor=… (a later page), 50 connections', { url: `${base}/files?limit=50&cursor=${page.next_cursor}`, headers: auth });
}

console.log(`\n### API on ${values.db === 'system' ? 'the system PostgreSQL 15' : 'the embedded PostgreSQL 17'}, local disk, ${duration} s per load test\n`);
console.log('| what | result |\n|---|---|');
console.log(rows.join('\n'));

await app.close();
await runtime.close();
await stopDb();
await rm(dir, { recursive: true, force: true });
