// Where a signing request's time goes: `vitae serve` under --cpu-prof, driven by autocannon on one
// route, and the SQL statements one request sends (PostgreSQL's statement log, embedded server).
// Run: node bench/profile-signing.ts [--route download|initiate|metadata] [--duration 8] [--out DIR]
// The profile's samples of the measured load alone: node bench/profile-summary.ts DIR (the window is
// written beside the profile, in load-window.json).
import autocannon from 'autocannon';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { NPM_START_FLAGS, startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: {
    route: { type: 'string', default: 'download' },
    duration: { type: 'string', default: '8' },
    out: { type: 'string', default: 'bench/results/profiles' },
    connections: { type: 'string', default: '50' },
  },
});
const out = path.resolve(values.out);
const vitae = await startVitae({ nodeFlags: [...NPM_START_FLAGS, '--cpu-prof', `--cpu-prof-dir=${out}`] });
const { base, auth } = vitae;

const uploaded = await fetch(`${base}/files`, { method: 'POST', headers: auth, body: form() });
const { id } = (await uploaded.json()) as { id: string };
while (((await (await fetch(`${base}/files/${id}`, { headers: auth })).json()) as { status: string }).status !== 'clean') await sleep(100);

const loads: Record<string, autocannon.Options> = {
  download: { url: `${base}/files/${id}/download`, headers: auth },
  metadata: { url: `${base}/files/${id}`, headers: auth },
  initiate: {
    url: `${base}/files/upload/initiate`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 100_000, category: 'resume' }),
  },
};
const load = loads[values.route]!;

// Statements per request: log every statement for 20 sequential requests, after one to warm caches.
await autocannon({ ...load, connections: 1, amount: 1 });
await vitae.database.query(`ALTER SYSTEM SET log_statement = 'all'`);
await vitae.database.query('SELECT pg_reload_conf()');
await sleep(500);
const marker = `-- profile-signing start ${Date.now()}`;
await vitae.database.query(`SELECT 1 ${marker}`);
await autocannon({ ...load, connections: 1, amount: 20 });
await vitae.database.query(`SELECT 2 ${marker} end`);
await vitae.database.query(`ALTER SYSTEM RESET log_statement`);
await vitae.database.query('SELECT pg_reload_conf()');
const logDir = path.join(vitae.dataDir, 'pg', 'log');
const logText = (await Promise.all((await readdir(logDir)).map((f) => readFile(path.join(logDir, f), 'utf8')))).join('\n');
const between = logText.slice(logText.indexOf(`SELECT 1 ${marker}`), logText.indexOf(`SELECT 2 ${marker} end`));
const statements = between.split('\n').filter((line) => /LOG:\s+(statement|execute)/.test(line));
const ours = statements.filter((line) => !/pgboss|profile-signing/.test(line));
console.log(
  `statements per request (20 sequential ${values.route} requests): ${(ours.length / 20).toFixed(2)} (pg-boss's own: ${statements.length - ours.length - 1})`,
);
const kinds = new Map<string, number>();
for (const line of ours) {
  const text = line.replace(/^.*?(statement|execute [^:]*):\s*/, '').slice(0, 110) || '(a statement written on several lines)';
  kinds.set(text, (kinds.get(text) ?? 0) + 1);
}
for (const [text, count] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${count}× ${text}`);

await autocannon({ ...load, connections: Number(values.connections), duration: 2 });
const postmaster = Number((await readFile(path.join(vitae.dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
const before = { server: await cpuSeconds([vitae.pid]), database: await cpuSeconds(await familyOf(postmaster)), client: process.cpuUsage() };
// On Linux the profile's timestamps and process.hrtime read the same clock (CLOCK_MONOTONIC, µs).
const loadStartUs = Number(process.hrtime.bigint() / 1000n);
const result = await autocannon({ ...load, connections: Number(values.connections), duration: Number(values.duration) });
const loadEndUs = Number(process.hrtime.bigint() / 1000n);
const client = process.cpuUsage(before.client);
const used = {
  server: (await cpuSeconds([vitae.pid])) - before.server,
  database: (await cpuSeconds(await familyOf(postmaster))) - before.database,
  client: (client.user + client.system) / 1e6,
};
const requests = result.requests.total;
console.log(
  `${values.route}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
);
console.log(
  `CPU per request: server ${((1e6 * used.server) / requests).toFixed(0)} µs, PostgreSQL ${((1e6 * used.database) / requests).toFixed(0)} µs, client ${((1e6 * used.client) / requests).toFixed(0)} µs; ` +
    `CPU used over ${values.duration} s: server ${used.server.toFixed(1)} s, PostgreSQL ${used.database.toFixed(1)} s, client ${used.client.toFixed(1)} s`,
);
await vitae.stop();
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'load-window.json'), JSON.stringify({ route: values.route, startUs: loadStartUs, endUs: loadEndUs, requests }));
console.log(`profile written to ${out} (node bench/profile-summary.ts ${path.relative(process.cwd(), out)})`);

function form(): FormData {
  const body = new FormData();
  body.set('category', 'resume');
  body.set('file', new Blob(['Jane Doe\nEngineer\njane@example.test\n'], { type: 'text/plain' }), 'resume.txt');
  return body;
}

/** utime + stime of these processes, in seconds (from /proc; clock ticks of 10 ms). */
async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0) + Number(fields[13] ?? 0) + Number(fields[14] ?? 0);
  }
  return ticks / 100;
}

/** The postmaster and its children (the backends, the WAL writer, the checkpointer…). */
async function familyOf(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return [pid, ...children.trim().split(/\s+/).filter(Boolean).map(Number)];
}
