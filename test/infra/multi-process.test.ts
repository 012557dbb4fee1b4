import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startClamd, type RunningClamd } from '../helpers/clamd.ts';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';
import { EICAR, makePdf, zipOf } from '../helpers/documents.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { runVitae, startServe, type ServeHandle } from '../helpers/vitae-cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

/**
 * The deployment of the README's "Deployment with PostgreSQL and S3", on one machine: two
 * `vitae serve` (workers off) and two `vitae worker` processes on the system PostgreSQL, blobs in
 * s3rver, scans by a real clamd. Files arrive through both APIs (streamed, pre-signed, bulk with a
 * ZIP and a duplicate, one infected); one worker is killed with SIGKILL while it holds scans, then
 * started again. Every file must end in exactly one final state, with one verdict in the audit
 * trail; every candidate must be scored exactly once (one `candidate.scored` event each); and the
 * audit chains must verify.
 */
const SCAN_DELAY_MS = 1500;

let dir: string;
let database: string;
let env: Record<string, string>;
let s3: S3rverHandle;
let clamd: RunningClamd;
let relay: Server;
let receiver: WebhookReceiver;
const relayed: Socket[] = [];
const servers: ServeHandle[] = [];
const workers = new Set<ChildProcess>();

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * clamd behind a relay that holds each scan for SCAN_DELAY_MS before passing it on (PING and
 * VERSION go straight through): scans on this machine take milliseconds, and the worker must be
 * killed while it is inside one.
 */
async function startScanRelay(target: number): Promise<number> {
  const port = await freePort();
  relay = createServer((client) => {
    relayed.push(client);
    client.pause();
    client.once('readable', () => {
      const head = client.read(8) as Buffer | null;
      const quick = head !== null && /^(zPING|zVERSION|nPING|nVERSION)/.test(head.toString('latin1'));
      setTimeout(
        () => {
          const upstream = connect(target, '127.0.0.1', () => {
            if (head) upstream.write(head);
            client.pipe(upstream).pipe(client);
            client.resume();
          });
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
          client.on('close', () => upstream.destroy());
        },
        quick ? 0 : SCAN_DELAY_MS,
      );
    });
  });
  relay.listen(port, '127.0.0.1');
  await once(relay, 'listening');
  return port;
}

function startWorker(): ChildProcess {
  const worker = spawn(process.execPath, ['bin/vitae.js', 'worker'], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.add(worker);
  worker.once('exit', () => workers.delete(worker));
  return worker;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-multi-'));
  await chmod(dir, 0o755);
  database = `vitae_multi_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
  const bucket = 'vitae-multi';
  [s3, clamd, receiver] = await Promise.all([startS3rver({ buckets: [bucket] }), startClamd(), startWebhookReceiver()]);
  const relayPort = await startScanRelay(clamd.port);
  const url = new URL(SYSTEM_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  env = {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    VITAE_DATA_DIR: dir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'),
    STORAGE_DRIVER: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_REGION: 'us-east-1',
    S3_SSE: 'none',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    CLAMAV_HOST: '127.0.0.1',
    CLAMAV_PORT: String(relayPort),
    VITAE_RUN_WORKERS: 'false',
    WORKER_CONCURRENCY: '2',
    OCR_ENABLED: 'false',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  };
  const migrated = await runVitae(['migrate'], env);
  expect(migrated.code, migrated.stderr).toBe(0);
  servers.push(...(await Promise.all([startServe(env), startServe(env)])));
}, 180_000);

afterAll(async () => {
  for (const worker of workers) {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
  await Promise.all(servers.map((server) => server.stop()));
  for (const socket of relayed) socket.destroy();
  relay?.close();
  await Promise.all([s3?.stop(), clamd?.stop(), receiver?.close()]);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  await rm(dir, { recursive: true, force: true });
});

type Headers = Record<string, string>;

async function call(origin: string, method: string, route: string, headers: Headers, body?: unknown): Promise<Response> {
  return fetch(`${origin}/api/v1${route}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function register(origin: string, role: 'candidate' | 'recruiter'): Promise<Headers> {
  const response = await call(
    origin,
    'POST',
    '/auth/register',
    {},
    {
      email: `${role}-${randomBytes(4).toString('hex')}@example.test`,
      password: 'correct horse battery staple',
      name: 'Test Person',
      role,
      ...(role === 'recruiter' ? { org_name: 'Multi Co' } : {}),
    },
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return { authorization: `Bearer ${((await response.json()) as { access_token: string }).access_token}` };
}

const resume = (name: string, skills: string) =>
  Buffer.from(`${name}\n${name.toLowerCase().replace(/\W+/g, '.')}@example.test\nSkills: ${skills}\n2016 - 2024 Engineer\n`);

async function streamed(origin: string, headers: Headers, bytes: Buffer, filename: string): Promise<void> {
  const form = new FormData();
  form.append('category', 'resume');
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(`${origin}/api/v1/files`, { method: 'POST', headers, body: form });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function presigned(origin: string, headers: Headers, bytes: Buffer): Promise<void> {
  const initiated = await call(origin, 'POST', '/files/upload/initiate', headers, {
    filename: 'cv.pdf',
    content_type: 'application/pdf',
    size: bytes.length,
    category: 'resume',
  });
  expect(initiated.status).toBe(201);
  const { file_id, upload } = (await initiated.json()) as { file_id: string; upload: { url: string; headers: Record<string, string> } };
  expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).ok).toBe(true);
  expect((await call(origin, 'POST', '/files/upload/complete', headers, { file_id })).status).toBe(200);
}

async function bulk(
  origin: string,
  headers: Headers,
  jobId: string,
  parts: Array<{ name: string; bytes: Buffer }>,
): Promise<Array<{ candidate_id?: string; duplicate_of?: string; error?: unknown }>> {
  const form = new FormData();
  for (const part of parts) form.append('file', new Blob([part.bytes]), part.name);
  const response = await fetch(`${origin}/api/v1/jobs/${jobId}/candidates/bulk`, { method: 'POST', headers, body: form });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { results: Array<{ candidate_id?: string }> }).results;
}

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

it('ends every file in one final state and scores every candidate once, with a worker killed mid-scan', async () => {
  const [a, b] = servers.map((server) => server.origin) as [string, string];
  const recruiter = await register(a, 'recruiter');
  const webhook = await call(b, 'POST', '/webhooks', recruiter, {
    url: `http://127.0.0.1:${receiver.port}/hook`,
    events: ['candidate.scored', 'file.clean', 'file.infected'],
  });
  expect(webhook.status, await webhook.clone().text()).toBe(201);
  const job = (await (
    await call(a, 'POST', '/jobs', recruiter, { title: 'Backend Engineer', description: 'Node.js and PostgreSQL', skills: ['Node.js', 'PostgreSQL'] })
  ).json()) as {
    id: string;
  };

  // Candidates' own files through both APIs, streamed and pre-signed, one of them infected.
  const [first, second] = await Promise.all([register(a, 'candidate'), register(b, 'candidate')]);
  await streamed(a, first, resume('Ada One', 'Node.js'), 'one.txt');
  await streamed(b, first, Buffer.from(`Mallory\n${EICAR}\n`), 'virus.txt');
  await streamed(b, second, resume('Bea Two', 'PostgreSQL'), 'two.txt');
  await presigned(a, second, Buffer.from(await makePdf(['Cy Three', 'Skills: Node.js, PostgreSQL'])));
  await presigned(b, first, Buffer.from(await makePdf(['Di Four', 'Skills: Kubernetes'])));

  // Bulk intake through both APIs: a ZIP, a duplicate (the same resume twice in the job), an infected one.
  const archive = await zipOf([
    { name: 'e.txt', bytes: resume('Eve Five', 'Node.js, PostgreSQL') },
    { name: 'f.txt', bytes: resume('Fay Six', 'Go') },
  ]);
  const resultsA = await bulk(a, recruiter, job.id, [
    { name: 'g.txt', bytes: resume('Gus Seven', 'Node.js') },
    { name: 'resumes.zip', bytes: archive },
    { name: 'h.txt', bytes: resume('Hal Eight', 'PostgreSQL, Node.js') },
  ]);
  const resultsB = await bulk(b, recruiter, job.id, [
    { name: 'i.txt', bytes: resume('Ivy Nine', 'Node.js') },
    { name: 'g-again.txt', bytes: resume('Gus Seven', 'Node.js') },
    { name: 'virus.txt', bytes: Buffer.from(`Mallory\n${EICAR}\n`) },
    { name: 'j.txt', bytes: resume('Jo Ten', 'PostgreSQL') },
  ]);
  const candidates = [...resultsA, ...resultsB].filter((result) => result.candidate_id).map((result) => result.candidate_id!);
  expect(candidates).toHaveLength(7); // g, e, f, h, i, virus, j; and g-again is a duplicate
  expect([...resultsA, ...resultsB].filter((result) => result.duplicate_of)).toHaveLength(1);

  // Nothing is scanned yet: no worker runs. The first worker takes scans, and is killed inside them.
  const doomed = startWorker();
  const deadline = Date.now() + 60_000;
  while ((await query<{ n: number }>(`SELECT count(*)::int AS n FROM file_versions WHERE status = 'scanning'`))[0]!.n === 0) {
    expect(Date.now(), 'no scan started').toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  doomed.kill('SIGKILL');
  await once(doomed, 'exit');
  const interrupted = (await query<{ n: number }>(`SELECT count(*)::int AS n FROM file_versions WHERE status = 'scanning'`))[0]!.n;
  expect(interrupted).toBeGreaterThan(0);

  // Two workers from now on: a new one, and the killed one started again.
  startWorker();
  startWorker();

  const live = `FROM file_versions v JOIN files f ON f.id = v.file_id WHERE f.erased_at IS NULL AND f.deleted_at IS NULL`;
  const finalDeadline = Date.now() + 150_000;
  for (;;) {
    const [pending] = await query<{ files: number; candidates: number }>(
      `SELECT (SELECT count(*)::int ${live} AND v.status NOT IN ('clean', 'infected', 'rejected')) AS files,
              (SELECT count(*)::int FROM candidates WHERE deleted_at IS NULL AND status IN ('pending', 'parsing')) AS candidates`,
    );
    if (pending!.files === 0 && pending!.candidates === 0) break;
    expect(Date.now(), `still waiting: ${JSON.stringify(pending)}`).toBeLessThan(finalDeadline);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  // Every live version has exactly one verdict in the audit trail, matching its final state.
  const versions = await query<{ file_id: string; version: number; status: string; verdicts: string[] }>(
    `SELECT v.file_id, v.version, v.status,
            coalesce((SELECT array_agg(e.details->>'result') FROM audit_events e
                       WHERE e.action = 'file.scanned' AND e.file_id = v.file_id AND (e.details->>'version')::int = v.version), '{}') AS verdicts
       ${live}`,
  );
  expect(versions).toHaveLength(5 + 7); // the duplicate's file was erased
  for (const version of versions) expect(version.verdicts, `${version.file_id}/${version.version}`).toEqual([version.status]);
  expect(versions.filter((version) => version.status === 'infected')).toHaveLength(2);

  // Every candidate: one final state, scored (or failed for the infected resume) exactly once.
  const rows = await query<{ id: string; status: string; status_reason: string | null; scored: number }>(
    `SELECT c.id, c.status, c.status_reason,
            (SELECT count(*)::int FROM webhook_deliveries d WHERE d.event = 'candidate.scored' AND d.payload->'data'->>'candidate_id' = c.id::text) AS scored
       FROM candidates c WHERE c.deleted_at IS NULL ORDER BY c.created_at`,
  );
  expect(rows.map((row) => row.id).sort()).toEqual([...candidates].sort());
  expect(rows.filter((row) => row.status === 'scored')).toHaveLength(6);
  expect(rows.filter((row) => row.status === 'failed').map((row) => row.status_reason)).toEqual(['file_infected']);
  for (const row of rows) expect(row.scored, row.id).toBe(row.status === 'scored' ? 1 : 0);

  // The audit chains verify, beside the running processes.
  const verified = await runVitae(['audit', 'verify'], env);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
});
