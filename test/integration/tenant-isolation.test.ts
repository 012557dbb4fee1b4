import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCOPES } from '../../src/domain/policy.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';

let t: TestApp;
let ownerA: Session;
let candidateA: Session;
let intruder: Session;
/** Tenant B's API key with every scope. */
let intruderKey: Record<string, string>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  ownerA = await register(t, { role: 'recruiter', orgName: 'Tenant A' });
  candidateA = await register(t, { role: 'candidate' });
  intruder = await register(t, { role: 'recruiter', orgName: 'Tenant B' });
  const key = await t.fetch('/api/v1/api-keys', {
    method: 'POST',
    headers: { ...intruder.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'all', scopes: SCOPES }),
  });
  intruderKey = { 'x-api-key': (await json(key)).key };
  const file = await json(await uploadStreamed(t, ownerA, { bytes: Buffer.from('Tenant A resume\nNode.js\n'), filename: 'a.txt', category: 'resume' }));
  await waitForScan(t, ownerA, file.id);
  ids.file = file.id;
  ids.org = ownerA.user.org_id!;
  ids.apiKey = (
    await json(
      await t.fetch('/api/v1/api-keys', {
        method: 'POST',
        headers: { ...ownerA.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'k', scopes: ['files:read'] }),
      }),
    )
  ).id;
  const job = await json(
    await t.fetch('/api/v1/jobs', {
      method: 'POST',
      headers: { ...ownerA.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Secret job', description: 'Internal' }),
    }),
  );
  ids.job = job.id;
  await t.fetch(`/api/v1/jobs/${job.id}`, {
    method: 'PATCH',
    headers: { ...ownerA.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'closed' }),
  });
  const form = new FormData();
  form.append('file', new Blob(['Candidate of A\nPython\n']), 'c.txt');
  ids.candidate = (await json(await t.fetch(`/api/v1/jobs/${job.id}/candidates`, { method: 'POST', headers: ownerA.headers, body: form }))).id;
  const own = await json(await uploadStreamed(t, candidateA, { bytes: Buffer.from('My own resume\n'), filename: 'me.txt', category: 'resume' }));
  await waitForScan(t, candidateA, own.id);
  ids.candidateFile = own.id;
  const openJob = await json(
    await t.fetch('/api/v1/jobs', {
      method: 'POST',
      headers: { ...ownerA.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Open job', description: 'Public' }),
    }),
  );
  const application = await t.fetch(`/api/v1/jobs/${openJob.id}/applications`, {
    method: 'POST',
    headers: { ...candidateA.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ resume_file_id: own.id }),
  });
  expect(application.status, await application.clone().text()).toBe(201);
  ids.application = (await json(application)).id;
  ids.invitation = (
    await json(
      await t.fetch(`/api/v1/orgs/${ids.org}/members`, {
        method: 'POST',
        headers: { ...ownerA.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'invitee@example.test' }),
      }),
    )
  ).invitation.id;
  ids.webhook = (
    await json(
      await t.fetch('/api/v1/webhooks', {
        method: 'POST',
        headers: { ...ownerA.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://hooks.example.test/x', events: ['file.clean'] }),
      }),
    )
  ).id;
  ids.subjectRequest = (
    await json(
      await t.fetch(`/api/v1/orgs/${ids.org}/subject-requests`, {
        method: 'POST',
        headers: { ...ownerA.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.test', action: 'erase' }),
      }),
    )
  ).id;
});
afterAll(async () => t?.close());

/** A multipart body with one small resume, for the intake routes. */
const MULTIPART = Symbol('multipart');

/** Every route that takes an id, called by another tenant (its admin, and its API key with every scope) with tenant A's ids. Extend when adding routes. */
const ROUTES: Array<[method: string, path: string, body?: unknown]> = [
  ['GET', '/files/{file}'],
  ['GET', '/files/{file}/versions'],
  ['POST', '/files/{file}/versions', { filename: 'x.txt', content_type: 'text/plain', size: 3 }],
  ['GET', '/files/{file}/download'],
  ['GET', '/files/{file}/content'],
  ['GET', '/files/{file}/access-log'],
  ['DELETE', '/files/{file}'],
  ['DELETE', '/files/{file}?hard=true'],
  ['POST', '/files/{file}/rescan'],
  ['PATCH', '/files/{file}/scan-result', { result: 'infected', engine: 'intruder', signature: 'Fake' }],
  ['POST', '/files/upload/complete', { file_id: '{file}' }],
  ['GET', '/files/{candidateFile}'],
  ['GET', '/files/{candidateFile}/content'],
  ['GET', '/orgs/{org}/members'],
  ['POST', '/orgs/{org}/members', { email: 'spy@example.test' }],
  ['GET', '/orgs/{org}/invitations'],
  ['DELETE', '/orgs/{org}/invitations/{invitation}'],
  ['DELETE', '/api-keys/{apiKey}'],
  ['GET', '/jobs/{job}'],
  ['PATCH', '/jobs/{job}', { title: 'Hijacked' }],
  ['DELETE', '/jobs/{job}'],
  ['GET', '/jobs/{job}/candidates'],
  ['POST', '/jobs/{job}/applications', { resume_file_id: '{candidateFile}' }],
  ['POST', '/jobs/{job}/candidates', MULTIPART],
  ['POST', '/jobs/{job}/candidates/bulk', MULTIPART],
  ['DELETE', '/applications/{application}'],
  ['GET', '/candidates/{candidate}'],
  ['GET', '/candidates/{candidate}/file'],
  ['DELETE', '/candidates/{candidate}'],
  ['DELETE', '/webhooks/{webhook}'],
  ['POST', '/webhooks/{webhook}/rotate-secret'],
  ['GET', '/webhooks/{webhook}/deliveries'],
  ['DELETE', '/quarantine/{file}'],
  ['POST', '/orgs/{org}/subject-requests', { email: 'someone@example.test', action: 'erase' }],
  ['GET', '/orgs/{org}/subject-requests'],
  ['GET', '/orgs/{org}/subject-requests/{subjectRequest}'],
  ['POST', '/orgs/{org}/subject-requests/{subjectRequest}/confirm'],
  ['GET', '/orgs/{org}/retention'],
  ['PATCH', '/orgs/{org}/retention', { candidate_retention_days: 1 }],
  ['GET', '/orgs/{org}/retention/preview'],
  ['PATCH', '/candidates/{candidate}', { rejected: true }],
  ['GET', '/orgs/{org}/privacy-notices'],
  ['POST', '/orgs/{org}/privacy-notices', { text: 'Hijacked' }],
  ['GET', '/jobs/{job}/privacy-notice'],
];

const fill = (text: string, values: Record<string, string> = ids) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
const call = (method: string, path: string, body: unknown, headers: Record<string, string>, values?: Record<string, string>) => {
  if (body === MULTIPART) {
    const form = new FormData();
    form.append('file', new Blob(['Planted resume\nGo\n']), 'planted.txt');
    return t.fetch(`/api/v1${fill(path, values)}`, { method, headers, body: form });
  }
  return t.fetch(`/api/v1${fill(path, values)}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: fill(JSON.stringify(body), values) } : {}),
  });
};
/** Ids that exist nowhere, to compare against. */
const unknownIds = () => Object.fromEntries(Object.keys(ids).map((name) => [name, randomUUID()]));

it.each(ROUTES)('%s %s with another tenant’s id answers 404 and changes nothing', async (method, path, body) => {
  const before = await snapshot();
  expect((await call(method, path, body, intruder.headers)).status).toBe(404);
  expect(await snapshot()).toEqual(before);
  // An API key may be refused a route whatever the id (403: no key manages the quarantine), but its
  // answer for another tenant's id must be the one it gets for an id that does not exist.
  const response = await call(method, path, body, intruderKey);
  const unknown = await call(method, path, body, intruderKey, unknownIds());
  expect([response.status, (await json(response)).code]).toEqual([unknown.status, (await json(unknown)).code]);
  expect([403, 404]).toContain(response.status);
  expect(await snapshot()).toEqual(before);
});

it('the owner still sees everything afterwards', async () => {
  expect((await t.fetch(`/api/v1/files/${ids.file}`, { headers: ownerA.headers })).status).toBe(200);
  expect((await json(await t.fetch(`/api/v1/jobs/${ids.job}`, { headers: ownerA.headers }))).title).toBe('Secret job');
});

it('concurrent reads that share a lookup statement still answer each caller for its own organization', async () => {
  const theirs = await json(await uploadStreamed(t, intruder, { bytes: Buffer.from('Tenant B resume\n'), filename: 'b.txt', category: 'resume' }));
  await waitForScan(t, intruder, theirs.id);
  // 60 requests at once: far more than the lookups in flight (2 per kind), so most share a statement.
  const asks: Array<[caller: Session, fileId: string, expected: number]> = [
    [ownerA, ids.file!, 200],
    [intruder, ids.file!, 404],
    [intruder, theirs.id, 200],
    [ownerA, theirs.id, 404],
    [ownerA, ids.candidateFile!, 200], // seen through the candidate's application
  ];
  const calls = Array.from({ length: 12 }, () => asks).flat();
  const answers = await Promise.all(
    calls.flatMap(([caller, fileId]) => [
      t.fetch(`/api/v1/files/${fileId}`, { headers: caller.headers }),
      t.fetch(`/api/v1/files/${fileId}/download`, { headers: caller.headers }),
    ]),
  );
  // A metadata answer names its file; a download URL's path ends with the file's id and version.
  const seen = await Promise.all(
    answers.map(async (response) => {
      const body = await json(response);
      return [response.status, response.status !== 200 ? body.code : (body.id ?? new URL(body.url).pathname.split('/').at(-2))];
    }),
  );
  const expected = calls.flatMap(([, fileId, status]) => Array(2).fill([status, status === 200 ? fileId : 'not_found']));
  expect(seen).toEqual(expected);
});

async function snapshot() {
  const db = t.runtime.db;
  const [files, jobs, candidates, members, invitations, keys, hooks, applications, subjectRequests] = await Promise.all([
    db.selectFrom('files').select(['id', 'status', 'deleted_at', 'latest_version']).orderBy('id').execute(),
    db.selectFrom('jobs').select(['id', 'title', 'deleted_at']).orderBy('id').execute(),
    db.selectFrom('candidates').select(['id', 'deleted_at']).orderBy('id').execute(),
    db.selectFrom('memberships').select(['user_id', 'org_id', 'org_role']).orderBy('user_id').execute(),
    db.selectFrom('invitations').select(['id', 'email', 'accepted_at', 'cancelled_at']).orderBy('id').execute(),
    db.selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
    db.selectFrom('webhooks').select(['id', 'disabled_at']).orderBy('id').execute(),
    db.selectFrom('applications').select(['id', 'withdrawn_at']).orderBy('id').execute(),
    db.selectFrom('subject_requests').select(['id', 'status']).orderBy('id').execute(),
  ]);
  return { files, jobs, candidates, members, invitations, keys, hooks, applications, subjectRequests };
}
