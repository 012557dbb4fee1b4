// Where the server's CPU went during the measured load of bench/profile-signing.ts: the self time of
// the newest profile in DIR, only the samples inside its load window, by part of the request
// (authentication, Fastify, Kysely, pg, logging, audit…), by module and by function.
// Run: node bench/profile-summary.ts DIR [--top 25]
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const dir = path.resolve(positionals[0] ?? 'bench/results/profiles');
const top = Number(values.top);

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const profiles = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).map((name) => path.join(dir, name));
const newest = (await Promise.all(profiles.map(async (file) => ({ file, at: (await stat(file)).mtimeMs })))).sort((a, b) => b.at - a.at)[0];
if (!newest) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(await readFile(newest.file, 'utf8')) as Profile;
const window = JSON.parse(await readFile(path.join(dir, 'load-window.json'), 'utf8')) as { route: string; startUs: number; endUs: number; requests: number };

// Self time per node, counting only the samples taken during the load.
const selfUs = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= window.startUs && at <= window.endUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});

const byPart = new Map<string, number>();
const byModule = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  total += us;
  const where = moduleOf(node.callFrame);
  add(byModule, where, us);
  add(byPart, partOf(where, node.callFrame.functionName), us);
  add(byFunction, `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`, us);
}
const busy = total - (byPart.get('idle') ?? 0);

console.log(`${path.basename(newest.file)}: ${window.route}, ${(total / 1e6).toFixed(1)} s sampled during the load, ${window.requests} requests`);
console.log(`busy ${(busy / 1e6).toFixed(2)} s = ${(busy / window.requests).toFixed(0)} µs per request (share of samples, µs per request)`);
for (const [title, map] of [
  ['by part', byPart],
  ['by module', byModule],
  ['by function', byFunction],
] as const) {
  console.log(`--- ${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / window.requests).toFixed(1).padStart(6)} µs  ${name}`);
  }
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

/** The package (node_modules), source file (src/…), Node.js module or native frame a function belongs to. */
function moduleOf({ url, functionName }: CallFrame): string {
  const packages = url.split('/node_modules/');
  if (packages.length > 1) {
    const parts = packages.at(-1)!.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const source = url.indexOf('/src/');
  if (source >= 0) return url.slice(source + 1);
  return url || `(native) ${functionName}`;
}

/** The part of a request a module serves; native frames (GC, syscalls) are named by what they are. */
function partOf(where: string, functionName: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 (program)';
  const parts: [RegExp, string][] = [
    [
      /^(fastify|@fastify\/[a-z-]+|find-my-way|avvio|light-my-request|fastify-plugin|@fastify\/ajv-compiler|ajv|ajv-formats|fast-uri|fast-querystring|json-schema-ref-resolver)$/,
      'Fastify: routing, hooks, validation',
    ],
    [/^(fast-json-stringify|@fastify\/fast-json-stringify-compiler)$/, 'Fastify: serialization'],
    [/^(helmet|@fastify\/helmet)$/, 'security headers (helmet)'],
    [/^kysely$/, 'Kysely (query building, compilation)'],
    [/^(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+|pg-connection-string)$/, 'pg (protocol, parsing)'],
    [/^(pino|fast-redact|sonic-boom|pino-std-serializers|thread-stream|@pinojs\/redact)$/, 'logging (pino)'],
    [/^(jose|lru-cache)$/, 'token check, caches (jose, lru-cache)'],
    [/^src\/http\//, 'Vitae HTTP layer (src/http)'],
    [/^src\/services\/audit\//, 'audit (src/services/audit)'],
    [/^src\/services\/auth\//, 'authentication (src/services/auth)'],
    [/^src\/storage\//, 'URL signing (src/storage)'],
    [/^src\/(services|db|domain)\//, 'Vitae services (files, uploads, db)'],
    [/^node:(_http_|http|net|stream|internal\/streams|internal\/http|internal\/url)/, 'Node.js HTTP, streams'],
    [/^node:internal\/crypto|^node:crypto/, 'Node.js crypto'],
    [/^\(native\) (writev|writeUtf8String|writeBuffer|writeLatin1String|read|readv|shutdown|close)$/, 'socket I/O (syscalls)'],
  ];
  for (const [pattern, part] of parts) if (pattern.test(where)) return part;
  if (where.startsWith('(native)')) return 'other native';
  return where.startsWith('node:') ? 'other Node.js' : `other: ${where}`;
}
