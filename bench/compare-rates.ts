// Two builds of Vitae side by side on a busy machine: each serves its own embedded PostgreSQL, and
// short load runs alternate between them (and the raw baseline) for several rounds, so that both see
// the same load from other work. Reports each one's median rate, its ratio to raw, and its CPU time
// per request (the server's and its PostgreSQL's, from /proc).
// Run: node bench/compare-rates.ts --a /path/to/old/src/cli.ts --b src/cli.ts [--route download] [--rounds 6] [--seconds 3]
//      [--a-env KEY=VALUE,…] [--b-env KEY=VALUE,…] [--b-members 50]
// --b-members N: side b spreads its connections over N members of the organization (one token per
// connection), against side a's one caller: with --a and --b the same build, the cost of many callers.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { median, startVitae, type VitaeProcess } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'src/cli.ts' },
    b: { type: 'string', default: 'src/cli.ts' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'b-members': { type: 'string', default: '1' },
    route: { type: 'string', default: 'download' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
});
const envOf = (list: string) =>
  Object.fromEntries(
    list
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
const connections = Number(values.connections);
const seconds = Number(values.seconds);

const rawPort = 17000 + Math.floor(Math.random() * 1000);
const raw = fork('bench/support/raw-server.ts', [], { env: { ...process.env, PORT: String(rawPort), DIR: '/tmp' } });
await new Promise((resolve) => raw.once('message', resolve));

interface Side {
  name: string;
  vitae: VitaeProcess;
  load: autocannon.Options;
  rps: number[];
  serverUs: number[];
  databaseUs: number[];
  p99: number[];
}
const sides: Side[] = [];
for (const [name, entry, env] of [
  ['a', values.a, values['a-env']],
  ['b', values.b, values['b-env']],
] as const) {
  const vitae = await startVitae({ entry: path.resolve(entry), env: envOf(env) });
  const members = name === 'b' ? Number(values['b-members']) : 1;
  const load = spreadOver(await loadFor(vitae), [vitae.auth, ...(await Promise.all(Array.from({ length: members - 1 }, (_, i) => joinMember(vitae, i))))]);
  const label = `${entry}${env ? ` ${env}` : ''}${members > 1 ? `, ${members} members` : ''}`;
  sides.push({ name: `${name} (${label})`, vitae, load, rps: [], serverUs: [], databaseUs: [], p99: [] });
}
const rawRps: number[] = [];
const loads: number[] = [];

for (const side of sides) await autocannon({ ...side.load, connections, duration: 2 });
for (let round = 0; round < Number(values.rounds); round += 1) {
  loads.push(loadavg()[0]!);
  const order = round % 2 ? [...sides].reverse() : sides;
  for (const side of order) {
    const postmaster = Number((await readFile(path.join(side.vitae.dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const server0 = await cpuSeconds([side.vitae.pid]);
    const database0 = await cpuSeconds(await familyOf(postmaster));
    const result = await autocannon({ ...side.load, connections, duration: seconds });
    const requests = result.requests.total;
    side.serverUs.push((1e6 * ((await cpuSeconds([side.vitae.pid])) - server0)) / requests);
    side.databaseUs.push((1e6 * ((await cpuSeconds(await familyOf(postmaster))) - database0)) / requests);
    side.rps.push(result.requests.average);
    side.p99.push(result.latency.p99);
    if (result.non2xx || result.errors) console.error(`${side.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  rawRps.push((await autocannon({ url: `http://127.0.0.1:${rawPort}/sign`, method: 'POST', connections, duration: seconds })).requests.average);
  console.error(
    `round ${round + 1}: ${sides.map((s) => `${Math.round(s.rps.at(-1)!)}`).join(' / ')} req/s, raw ${Math.round(rawRps.at(-1)!)}, load ${loads.at(-1)!.toFixed(1)}`,
  );
}

console.log(
  `\n${values.route}, ${connections} connections, ${values.rounds} rounds of ${seconds} s, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; raw median ${Math.round(median(rawRps))} req/s`,
);
for (const side of sides) {
  const ratios = side.rps.map((rps, i) => rps / rawRps[i]!);
  console.log(
    `${side.name}: ${Math.round(median(side.rps))} req/s (${Math.round(Math.min(...side.rps))}–${Math.round(Math.max(...side.rps))}), ${median(ratios).toFixed(3)}× raw, p99 ${median(side.p99)} ms; ` +
      `CPU per request: server ${Math.round(median(side.serverUs))} µs, PostgreSQL ${Math.round(median(side.databaseUs))} µs`,
  );
}
for (const side of sides) await side.vitae.stop();
raw.kill();
process.exit(0);

async function loadFor(vitae: VitaeProcess): Promise<autocannon.Options> {
  const { base, auth } = vitae;
  if (values.route === 'initiate') {
    const body = JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 100_000, category: 'resume' });
    return { url: `${base}/files/upload/initiate`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body };
  }
  const form = new FormData();
  form.set('category', 'resume');
  form.set('file', new Blob(['Jane Doe\nEngineer\njane@example.test\n'], { type: 'text/plain' }), 'resume.txt');
  const { id } = (await (await fetch(`${base}/files`, { method: 'POST', headers: auth, body: form })).json()) as { id: string };
  while (((await (await fetch(`${base}/files/${id}`, { headers: auth })).json()) as { status: string }).status !== 'clean') await sleep(100);
  return { url: `${base}/files/${id}${values.route === 'metadata' ? '' : '/download'}`, headers: auth };
}

/** The load with its connections' Authorization headers taken in turn from `callers`. */
function spreadOver(load: autocannon.Options, callers: { authorization: string }[]): autocannon.Options {
  if (callers.length === 1) return load;
  let next = 0;
  return { ...load, setupClient: (client) => client.setHeaders({ ...load.headers, ...callers[next++ % callers.length] }) };
}

/** Invites a recruiter into the organization and registers them: their authorization header. */
async function joinMember(vitae: VitaeProcess, i: number): Promise<{ authorization: string }> {
  const email = `member-${i}@example.test`;
  const invited = await fetch(`${vitae.base}/orgs/${vitae.user.org_id}/members`, {
    method: 'POST',
    headers: { ...vitae.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const { invitation_token } = (await invited.json()) as { invitation_token: string };
  const registered = await fetch(`${vitae.base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: vitae.account.password, name: `Member ${i}`, role: 'recruiter', invitation_token }),
  });
  if (registered.status !== 201) throw new Error(`a member's registration answered ${registered.status}: ${await registered.text()}`);
  return { authorization: `Bearer ${((await registered.json()) as { access_token: string }).access_token}` };
}

/** utime + stime of these processes, in seconds. */
async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}

/** The postmaster and its children (the backends, the WAL writer, the checkpointer…). */
async function familyOf(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return [pid, ...children.trim().split(/\s+/).filter(Boolean).map(Number)];
}
