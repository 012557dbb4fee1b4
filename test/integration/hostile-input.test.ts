import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, type Session } from '../helpers/api.ts';

/**
 * Input that PostgreSQL, busboy or the number parser cannot take must be refused at the edge as a
 * 400 problem document — never reach the database and come back as a 500.
 */
let t: TestApp;
let admin: Session;
let jobId: string;
let fileId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await register(t, { role: 'recruiter', orgName: 'Edge Co' });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Edge Engineer', description: 'Validates input.', skills: ['Go'] }),
  });
  jobId = (await json(job)).id;
  const upload = await uploadStreamed(t, admin, { bytes: Buffer.from('name,email\nAda,ada@example.test\n'), filename: 'people.csv', category: 'csv_import' });
  expect(upload.status).toBe(201);
  fileId = (await json(upload)).id;
});
afterAll(async () => t?.close());

async function expectProblem(response: Response, status = 400): Promise<{ code: string }> {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(body) as { code: string };
}

const post = (path: string, body: unknown, headers: Record<string, string> = admin.headers) =>
  t.fetch(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('control characters', () => {
  const NUL = '\u0000';

  it.each([
    ['job title', () => post('/api/v1/jobs', { title: `Chef${NUL}`, description: 'x' })],
    ['job description', () => post('/api/v1/jobs', { title: 'Chef', description: `Cooks${NUL}well` })],
    ['job skill', () => post('/api/v1/jobs', { title: 'Chef', description: 'x', skills: [`Go${NUL}`] })],
    ['job location', () => post('/api/v1/jobs', { title: 'Chef', description: 'x', location: `Paris${NUL}` })],
    [
      'job update',
      () =>
        t.fetch(`/api/v1/jobs/${jobId}`, {
          method: 'PATCH',
          headers: { ...admin.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `New${NUL}` }),
        }),
    ],
    [
      'registration name',
      () =>
        post('/api/v1/auth/register', { email: 'nul-name@example.test', password: 'correct horse battery staple', name: `Ada${NUL}`, role: 'candidate' }, {}),
    ],
    [
      'registration email',
      () => post('/api/v1/auth/register', { email: `nul${NUL}@example.test`, password: 'correct horse battery staple', name: 'Ada', role: 'candidate' }, {}),
    ],
    ['login email', () => post('/api/v1/auth/login', { email: `nul${NUL}@example.test`, password: 'whatever it is' }, {})],
    [
      'organization name',
      () =>
        post(
          '/api/v1/auth/register',
          { email: 'nul-org@example.test', password: 'correct horse battery staple', name: 'Ada', role: 'recruiter', org_name: `Org${NUL}` },
          {},
        ),
    ],
    ['member email', () => post(`/api/v1/orgs/${admin.user.org_id}/members`, { email: `nul${NUL}@example.test` })],
    ['API key name', () => post('/api/v1/api-keys', { name: `key${NUL}`, scopes: ['files:read'] })],
    ['webhook URL', () => post('/api/v1/webhooks', { url: `https://hooks.example.test/${NUL}`, events: ['file.scanned'] })],
    ['q filter', () => t.fetch(`/api/v1/jobs/${jobId}/candidates?q=go%00`, { headers: admin.headers })],
    ['skill filter', () => t.fetch(`/api/v1/jobs/${jobId}/candidates?skill=go%00`, { headers: admin.headers })],
    ['category filter', () => t.fetch('/api/v1/files?category=resume%00', { headers: admin.headers })],
    ['status filter', () => t.fetch('/api/v1/files?status=clean%00', { headers: admin.headers })],
    ['action filter', () => t.fetch('/api/v1/audit?action=file.uploaded%00', { headers: admin.headers })],
    [
      'scan engine',
      () =>
        t.fetch(`/api/v1/files/${fileId}/scan-result`, {
          method: 'PATCH',
          headers: { ...admin.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ result: 'clean', engine: `x${NUL}` }),
        }),
    ],
  ])('a NUL in the %s is a 400 validation problem', async (_what, send) => {
    expect((await expectProblem(await send())).code).toBe('validation_failed');
  });

  it('refuses other C0 controls in single-line fields, keeps tabs and newlines in free text', async () => {
    expect((await expectProblem(await post('/api/v1/jobs', { title: 'Chef\u001b[31m', description: 'x' }))).code).toBe('validation_failed');
    expect((await expectProblem(await post('/api/v1/jobs', { title: 'Chef\nde partie', description: 'x' }))).code).toBe('validation_failed');
    expect((await expectProblem(await post('/api/v1/jobs', { title: 'Chef', description: 'bell\u0007' }))).code).toBe('validation_failed');
    const ok = await post('/api/v1/jobs', { title: 'Chef de partie', description: 'Duties:\n\t- cook\r\n\t- clean' });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect((await json(ok)).description).toBe('Duties:\n\t- cook\r\n\t- clean');
  });
});

describe('malformed multipart', () => {
  it('answers a multipart request without a boundary with a 400 problem', async () => {
    const response = await t.fetch('/api/v1/files?category=resume', {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'multipart/form-data' },
      body: 'whatever',
    });
    await expectProblem(response);
  });

  it('answers a truncated multipart body with a 400 problem', async () => {
    const boundary = 'vitae-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nresume\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.txt"\r\nContent-Type: text/plain\r\n\r\nAda Lovelace, engineer`;
    const response = await t.fetch('/api/v1/files', {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    await expectProblem(response);
  });

  it('answers a truncated bulk intake with a 400 problem', async () => {
    const boundary = 'vitae-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.txt"\r\nContent-Type: text/plain\r\n\r\nAda Lovelace`;
    const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    await expectProblem(response);
  });

  it('keeps serving after a client hangs up mid-part', async () => {
    const { port } = new URL(t.url);
    const boundary = 'vitae-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nresume\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.txt"\r\n\r\nAda`;
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: ${admin.headers.authorization}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n${head}`,
        );
        socket.end();
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    expect((await t.fetch('/healthz')).status).toBe(200);
  });
});

describe('numbers out of range', () => {
  it('answers a version beyond any integer column with a 400 problem', async () => {
    expect((await expectProblem(await t.fetch(`/api/v1/files/${fileId}/download?version=99999999999`, { headers: admin.headers }))).code).toBe(
      'validation_failed',
    );
    expect((await expectProblem(await t.fetch(`/api/v1/files/${fileId}/content?version=99999999999`, { headers: admin.headers }))).code).toBe(
      'validation_failed',
    );
  });

  it('answers an offset beyond any integer with a 400 problem', async () => {
    expect((await expectProblem(await t.fetch(`/api/v1/jobs/${jobId}/candidates?offset=99999999999999999999`, { headers: admin.headers }))).code).toBe(
      'validation_failed',
    );
    expect((await expectProblem(await t.fetch(`/api/v1/jobs/${jobId}/candidates?offset=1000001`, { headers: admin.headers }))).code).toBe('validation_failed');
    expect((await t.fetch(`/api/v1/jobs/${jobId}/candidates?offset=1000000`, { headers: admin.headers })).status).toBe(200);
  });
});

describe('access tokens', () => {
  it('refuses a correctly signed token whose subject is not a UUID as an invalid token', async () => {
    const key = new TextEncoder().encode(t.env.JWT_SECRET);
    const forge = (sub: string, org: string | null = admin.user.org_id ?? null) =>
      new SignJWT({ role: 'recruiter', org, org_role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(sub)
        .setIssuer('vitae')
        .setAudience('vitae-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    for (const token of [await forge('not-a-uuid'), await forge('0'), await forge(admin.user.id, 'not-an-org')]) {
      for (const path of ['/api/v1/auth/me', '/api/v1/files', `/api/v1/jobs/${jobId}`]) {
        expect((await expectProblem(await t.fetch(path, { headers: { authorization: `Bearer ${token}` } }), 401)).code).toBe('invalid_token');
      }
    }
  });
});

describe('the skill filter', () => {
  it('takes "%" and "_" as characters, not wildcards', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([Buffer.from('Ada Percent\nada.percent@example.test\n\nExperience\nEngineer, Example Corp 2018 - 2022\n\nSkills\nGo, Kubernetes\n')]),
      'ada.txt',
    );
    const added = await t.fetch(`/api/v1/jobs/${jobId}/candidates`, { method: 'POST', headers: admin.headers, body: form });
    expect(added.status, await added.clone().text()).toBe(202);
    const candidateId = (await json(added)).id;
    const deadline = Date.now() + 30_000;
    while ((await json(await t.fetch(`/api/v1/candidates/${candidateId}`, { headers: admin.headers }))).status !== 'scored' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const bySkill = async (skill: string) =>
      (await json(await t.fetch(`/api/v1/jobs/${jobId}/candidates?skill=${encodeURIComponent(skill)}`, { headers: admin.headers }))).items.map(
        (c: { id: string }) => c.id,
      );
    expect(await bySkill('Go')).toEqual([candidateId]);
    for (const pattern of ['%', 'G%', '_o', '__', '%o%']) expect(await bySkill(pattern)).toEqual([]);
  });
});
