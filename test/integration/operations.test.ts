import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan } from '../helpers/api.ts';
import { openApiDocument } from '../../src/http/openapi-document.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('operations', () => {
  it('answers health, readiness (naming each part), metrics and the OpenAPI document', async () => {
    expect(await json(await t.fetch('/healthz'))).toEqual({ status: 'ok' });
    const ready = await json(await t.fetch('/readyz'));
    expect(ready.checks).toMatchObject({ database: { status: 'ok' }, storage: { status: 'ok' }, scanner: { status: 'ok' } });
    await t.fetch('/api/v1/files', { headers: { authorization: 'Bearer nope' } });
    const metrics = await (await t.fetch('/metrics')).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{.*route="\/api\/v1\/files".*status_code="401"/);
    expect(metrics).toContain('# TYPE vitae_queue_jobs gauge');
    expect(metrics).toMatch(/^vitae_queue_errors_total 0$/m);
    const spec = await json(await t.fetch('/openapi.json'));
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/files/upload/initiate', '/api/v1/jobs/{id}/candidates/bulk', '/api/v1/auth/login']),
    );
    expect((await t.fetch('/docs/')).status).toBe(200);
  });

  it('builds the OpenAPI document it serves without a database or a listener (web/src/api/types.ts is generated from it)', async () => {
    const served = await json(await t.fetch('/openapi.json'));
    const built = await openApiDocument();
    expect(Object.keys(built.paths ?? {})).toContain('/api/v1/files/{id}/versions');
    // Only the public URL differs: the built one has a fixed configuration.
    expect({ ...built, servers: served.servers }).toEqual(served);
  });

  it('answers every error as a problem document with a stable code and the request id', async () => {
    const unknown = await t.fetch('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await json(unknown)).toMatchObject({ status: 404, code: 'route_not_found', request_id: unknown.headers.get('x-request-id') });
    const session = await register(t, { role: 'candidate' });
    const invalid = await t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'x' }),
    });
    expect(invalid.status).toBe(400);
    const problem = await json(invalid);
    expect(problem).toMatchObject({ code: 'validation_failed', title: 'Bad Request' });
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts:\d+/);
    expect((await t.fetch('/api/v1/files/not-a-uuid', { headers: session.headers })).status).toBe(400);
    expect((await t.fetch('/api/v1/files', {})).status).toBe(401);
  });

  it('ignores a client’s X-Request-Id without a trusted proxy, in the answer and in the audit trail', async () => {
    const forged = await t.fetch('/api/v1/files', { headers: { 'x-request-id': 'forged-id-42', authorization: 'Bearer junk' } });
    expect(forged.status).toBe(401);
    const id = forged.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await json(forged)).request_id).toBe(id);
    const recorded = await t.runtime.db.selectFrom('audit_events').select('request_id').where('action', '=', 'request.unauthenticated').execute();
    expect(recorded.map((row) => row.request_id)).toContain(id);
    expect(recorded.map((row) => row.request_id)).not.toContain('forged-id-42');
  });
});

describe('outages', () => {
  it('storage down: 503 with Retry-After, and nothing half-written', async () => {
    const broken = await startTestApp({
      workers: false,
      antivirus: false,
      env: { STORAGE_DRIVER: 's3', S3_BUCKET: 'gone', S3_ENDPOINT: 'http://127.0.0.1:9', S3_FORCE_PATH_STYLE: 'true', S3_MAX_ATTEMPTS: '1' },
    });
    try {
      const session = await register(broken, { role: 'candidate' });
      const form = new FormData();
      form.append('category', 'resume');
      form.append('file', new Blob(['A resume that cannot be stored\n']), 'cv.txt');
      const response = await broken.fetch('/api/v1/files', { method: 'POST', headers: session.headers, body: form });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await json(response)).code).toBe('storage_unavailable');
      const rows = await broken.runtime.db.selectFrom('files').select('id').execute();
      expect(rows).toEqual([]);
      const ready = await broken.fetch('/readyz');
      expect(ready.status).toBe(503);
      expect((await json(ready)).checks.storage.status).toBe('down');
    } finally {
      await broken.close();
    }
  });

  it('database down: 503', async () => {
    const app = await startTestApp({ workers: false, antivirus: false });
    try {
      const session = await register(app, { role: 'candidate' });
      const database = new URL(app.env.DATABASE_URL!).pathname.slice(1);
      const { sql } = await import('kysely');
      const { createDb } = await import('../../src/db/database.ts');
      const admin = createDb(app.env.DATABASE_URL!.replace(`/${database}`, '/postgres'), 1);
      await sql`UPDATE pg_database SET datallowconn = false WHERE datname = ${database}`.execute(admin);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${database} AND pid <> pg_backend_pid()`.execute(admin);
      try {
        const response = await app.fetch('/api/v1/files', { headers: session.headers });
        expect(response.status).toBe(503);
        expect((await json(response)).code).toBe('database_unavailable');
        expect((await app.fetch('/readyz')).status).toBe(503);
      } finally {
        await sql`UPDATE pg_database SET datallowconn = true WHERE datname = ${database}`.execute(admin);
        await admin.destroy();
      }
    } finally {
      await app.close();
    }
  });
});

describe('metrics of the work behind the requests', () => {
  it('count scan verdicts and time the scans', async () => {
    const session = await register(t, { role: 'candidate' });
    const file = await json(await uploadStreamed(t, session, { bytes: Buffer.from('Plain text resume\n'), filename: 'cv.txt', category: 'resume' }));
    expect((await waitForScan(t, session, file.id)).status).toBe('clean');
    const metrics = await (await t.fetch('/metrics')).text();
    expect(Number(/^vitae_scan_verdicts_total\{result="clean"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^vitae_scan_duration_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  });
});

describe('intake and parse throughput on /metrics', () => {
  it('counts each resume offered to a job by outcome, and times the parsing in the worker', async () => {
    const before = await metricsOf(t);
    const recruiter = await register(t, { role: 'recruiter', orgName: 'Metrics Co' });
    const job = await json(
      await t.fetch('/api/v1/jobs', {
        method: 'POST',
        headers: { ...recruiter.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Data Engineer', description: 'Pipelines in Python and PostgreSQL.', skills: ['Python', 'PostgreSQL'] }),
      }),
    );
    const resume = Buffer.from('Ada Byron\nada@example.test\n\nExperience\nEngineer, Example Corp 2015 - 2024\n\nSkills\nPython, PostgreSQL\n');
    const form = new FormData();
    form.append('file', new Blob([resume]), 'ada.txt');
    form.append('file', new Blob([resume]), 'ada-again.txt');
    form.append('file', new Blob([Buffer.from('MZ\x90\x00binary')]), 'program.exe');
    const bulk = await t.fetch(`/api/v1/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers: recruiter.headers, body: form });
    expect(bulk.status).toBe(200);
    const { results } = await json(bulk);
    const candidateId = results[0].candidate_id;
    expect(results[1].duplicate_of).toBe(candidateId);
    expect(results[2].error.code).toBe('unsupported_type');
    await expect
      .poll(async () => (await json(await t.fetch(`/api/v1/candidates/${candidateId}`, { headers: recruiter.headers }))).status, {
        timeout: 30_000,
        interval: 250,
      })
      .toBe('scored');

    const after = await metricsOf(t);
    const rise = (sample: string) => (after[sample] ?? 0) - (before[sample] ?? 0);
    expect(rise('vitae_intake_files_total{outcome="created"}')).toBe(1);
    expect(rise('vitae_intake_files_total{outcome="duplicate"}')).toBe(1);
    expect(rise('vitae_intake_files_total{outcome="rejected"}')).toBe(1);
    expect(rise('vitae_resumes_parsed_total{outcome="parsed"}')).toBe(1);
    expect(rise('vitae_resume_parse_duration_seconds_count')).toBe(1);
    expect(rise('vitae_resume_parse_duration_seconds_sum')).toBeGreaterThan(0);
  });
});

describe('blob store errors on /metrics', () => {
  // Local disk, whatever the combination: a directory the store needs, replaced by a file, is a real
  // failure of the disk under it (chmod cannot cause one here, as the tests may run as root).
  let local: TestApp;
  beforeAll(async () => {
    local = await startTestApp({ env: { STORAGE_DRIVER: 'local' }, workers: false });
  });
  afterAll(async () => local?.close());

  it('counts the operations the store fails, by driver and operation', async () => {
    const session = await register(local, { role: 'candidate' });
    const upload = () => uploadStreamed(local, session, { bytes: Buffer.from('Plain text resume\n'), filename: 'cv.txt', category: 'resume' });
    expect((await upload()).status).toBe(201);
    const sample = 'vitae_blob_store_errors_total{driver="local",operation="put"}';
    const before = (await metricsOf(local))[sample] ?? 0;

    const root = (local.runtime.config.storage as { root: string }).root;
    await rm(path.join(root, '.tmp'), { recursive: true, force: true });
    await writeFile(path.join(root, '.tmp'), 'not a directory');
    try {
      const refused = await upload();
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect((await metricsOf(local))[sample]).toBe(before + 1);
    } finally {
      await rm(path.join(root, '.tmp'), { force: true });
    }
    expect((await upload()).status).toBe(201);
    expect((await metricsOf(local))[sample]).toBe(before + 1);
  });
});

/** Every sample of /metrics, by its name and labels. */
async function metricsOf(app: TestApp): Promise<Record<string, number>> {
  const text = await (await app.fetch('/metrics')).text();
  return Object.fromEntries([...text.matchAll(/^(\w+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe('metrics behind METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789abcdef';
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await startTestApp({ env: { METRICS_TOKEN: token }, workers: false });
  });
  afterAll(async () => guarded?.close());

  it('answers only the scraper that bears the token', async () => {
    const anonymous = await guarded.fetch('/metrics');
    expect(anonymous.status).toBe(401);
    expect(await json(anonymous)).toMatchObject({ code: 'unauthorized' });
    expect((await guarded.fetch('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789abcdeX' } })).status).toBe(401);
    expect((await guarded.fetch('/metrics', { headers: { authorization: token } })).status).toBe(401);
    const scraped = await guarded.fetch('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('process_cpu_seconds_total');
    expect((await guarded.fetch('/healthz')).status).toBe(200);
  });
});
