import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PG_ADMIN_URL } from '../helpers/databases.ts';
import { runVitae, startServe, type ServeHandle } from '../helpers/vitae-cli.ts';

/**
 * Two `vitae serve` processes on one PostgreSQL enforce the limits one process enforces: login
 * attempts per address, uploads per hour, and (with two `vitae worker` processes) the LLM calls
 * of a job. Each limit is counted once across both.
 */
const PER_IP = 8;
const UPLOADS_PER_HOUR = 5;
const LLM_BUDGET = 3;

let dir: string;
let database: string;
let env: Record<string, string>;
let llm: Server;
let llmRequests = 0;
const servers: ServeHandle[] = [];
const workers: ChildProcess[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SYSTEM_PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-shared-limits-'));
  await chmod(dir, 0o755);
  database = `vitae_limits_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
  // An OpenAI-compatible server that counts the calls it gets: no model can run here, and the test
  // is about how many calls the workers make, not what a model answers.
  llm = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      llmRequests += 1;
      const content = JSON.stringify({ score: 70, summary: 'Fits.', matched_skills: ['Node.js'], missing_skills: [] });
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
    });
  });
  llm.listen(0, '127.0.0.1');
  await once(llm, 'listening');
  const url = new URL(SYSTEM_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  env = {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    VITAE_DATA_DIR: dir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'),
    VITAE_RUN_WORKERS: 'false',
    RATE_LIMIT_AUTH_PER_IP: String(PER_IP),
    RATE_LIMIT_AUTH_PER_ACCOUNT: '1000',
    QUOTA_CANDIDATE_UPLOADS_PER_HOUR: String(UPLOADS_PER_HOUR),
    LLM_BASE_URL: `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1/`,
    LLM_BUDGET_PER_JOB: String(LLM_BUDGET),
    LLM_MAX_RETRIES: '0',
    OCR_ENABLED: 'false',
    TRUST_PROXY: 'true',
  };
  const migrated = await runVitae(['migrate'], env);
  expect(migrated.code, migrated.stderr).toBe(0);
  servers.push(...(await Promise.all([startServe(env), startServe(env)])));
}, 180_000);

afterAll(async () => {
  for (const worker of workers) {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
  }
  await Promise.all(servers.map((server) => server.stop()));
  llm?.close();
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  await rm(dir, { recursive: true, force: true });
});

const post = (origin: string, route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${origin}/api/v1${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Each test is its own client address (TRUST_PROXY), so that their login limits never mix. */
const from = (address: string) => ({ 'x-forwarded-for': address });

async function registerFrom(origin: string, address: string, role: 'candidate' | 'recruiter'): Promise<{ authorization: string }> {
  const response = await post(
    origin,
    '/auth/register',
    {
      email: `${role}-${randomBytes(4).toString('hex')}@example.test`,
      password: 'correct horse battery staple',
      name: 'Test',
      role,
      ...(role === 'recruiter' ? { org_name: 'Limits Co' } : {}),
    },
    from(address),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return { authorization: `Bearer ${((await response.json()) as { access_token: string }).access_token}` };
}

it('counts login attempts from one address once across two API processes', async () => {
  const [a, b] = servers.map((server) => server.origin) as [string, string];
  await registerFrom(a, '203.0.113.10', 'candidate');
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const response = await post(attempt % 2 ? b : a, '/auth/login', { email: 'nobody@example.test', password: `wrong ${attempt}` }, from('203.0.113.10'));
    statuses.push(response.status);
    if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  // The registration took one of the address's attempts: seven failures, then 429 on both processes
  // (each process alone, counting in its memory, would have allowed eight failures: sixteen in all).
  expect(statuses).toEqual([...Array<number>(PER_IP - 1).fill(401), ...Array<number>(12 - PER_IP + 1).fill(429)]);
  // Another address keeps its own budget.
  expect((await post(b, '/auth/login', { email: 'nobody@example.test', password: 'wrong' }, from('203.0.113.11'))).status).toBe(401);
});

it('counts a candidate’s uploads per hour once across two API processes', async () => {
  const [a, b] = servers.map((server) => server.origin) as [string, string];
  const candidate = await registerFrom(a, '203.0.113.20', 'candidate');
  const initiate = (origin: string) =>
    post(origin, '/files/upload/initiate', { filename: 'cv.txt', content_type: 'text/plain', size: 100, category: 'resume' }, candidate);
  const statuses: number[] = [];
  for (let upload = 0; upload < 8; upload++) statuses.push((await initiate(upload % 2 ? b : a)).status);
  expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
  expect(await (await initiate(b)).json()).toMatchObject({ code: 'upload_rate_exceeded', limit: UPLOADS_PER_HOUR, used: UPLOADS_PER_HOUR });
});

it('spends a job’s LLM budget once across two worker processes', async () => {
  const [a, b] = servers.map((server) => server.origin) as [string, string];
  const recruiter = await registerFrom(a, '203.0.113.30', 'recruiter');
  const job = (await (
    await post(a, '/jobs', { title: 'Backend Engineer', description: 'Node.js and PostgreSQL services', skills: ['Node.js', 'PostgreSQL'] }, recruiter)
  ).json()) as { id: string };
  for (const [index, origin] of [a, b, a, b, a, b, a, b].entries()) {
    const form = new FormData();
    form.append(
      'file',
      new Blob([`Person ${index}\nSkills: Node.js, PostgreSQL, item ${index}\n2019 - 2024 Engineer\n`], { type: 'text/plain' }),
      `cv-${index}.txt`,
    );
    const response = await fetch(`${origin}/api/v1/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers: recruiter, body: form });
    expect(response.status).toBe(200);
  }
  for (let n = 0; n < 2; n++) {
    const worker = spawn(process.execPath, ['bin/vitae.js', 'worker'], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    workers.push(worker);
  }
  let candidates: Array<{ status: string; scorer: string | null }> = [];
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const page = (await (await fetch(`${b}/api/v1/jobs/${job.id}/candidates?limit=50`, { headers: recruiter })).json()) as { items: typeof candidates };
    candidates = page.items;
    if (candidates.length === 8 && candidates.every((candidate) => candidate.status === 'scored')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(candidates.map((candidate) => candidate.status)).toEqual(Array(8).fill('scored'));
  expect(llmRequests).toBe(LLM_BUDGET);
  expect(candidates.filter((candidate) => candidate.scorer?.startsWith('llm:')).length).toBe(LLM_BUDGET);
  expect(candidates.filter((candidate) => candidate.scorer === 'local').length).toBe(8 - LLM_BUDGET);
});
