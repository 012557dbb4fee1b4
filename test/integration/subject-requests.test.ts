import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, waitForScan, type Session } from '../helpers/api.ts';
import { EICAR } from '../helpers/documents.ts';
import { rowsContaining, storedKeys, until, unzip } from '../helpers/personal-data.ts';

const tag = randomBytes(4).toString('hex');
const surname = `Vandermolen${[...randomBytes(5)].map((byte) => 'bcdfghjklmnpqrstvwxz'[byte % 20]).join('')}`;

/** A person without an account, whose resume recruiters uploaded: every string that names her is unique to this run. */
const dagny = {
  name: `Dagny ${surname}`,
  email: `dagny.${tag}@example.test`,
  phone: '+1 415 555 0143',
  e164: '+14155550143',
  files: [`dagny-cv-${tag}.txt`, `dagny-resume-2-${tag}.txt`],
  quarantinedName: `dagny-bad-${tag}.txt`,
  rivalFile: `rival-copy-${tag}.txt`,
};
const resume = (note: string) =>
  Buffer.from(`${dagny.name}\n${dagny.email} | ${dagny.phone}\nExperience\nEngineer, Example Corp 2016 - 2024 (${note})\nSkills\nNode.js, PostgreSQL\n`);

let t: TestApp;
let admin: Session;
let rival: Session;
let candidate: Session;
const jobs = { a1: '', a2: '', b: '' };
const ids = { a1: '', a2: '', other: '', b: '' };
const files = { a1: '', a2: '', b: '' };
const bytes = { a1: resume('first'), a2: resume('second') };

const send = (path: string, session: Session | Record<string, string>, body?: unknown, method = 'POST') => {
  const headers = 'headers' in session ? (session.headers as Record<string, string>) : session;
  return t.fetch(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};

async function createJob(session: Session, title: string): Promise<string> {
  const response = await send('/api/v1/jobs', session, { title, description: 'Node.js and PostgreSQL services.', skills: ['Node.js'] });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

async function intake(session: Session, jobId: string, content: Buffer, filename: string): Promise<{ candidate: string; file: string }> {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates`, { method: 'POST', headers: session.headers, body: form });
  expect(response.status, await response.clone().text()).toBe(202);
  const created = await json(response);
  await until(
    async () => (await json(await t.fetch(`/api/v1/candidates/${created.id}`, { headers: session.headers }))).status,
    (status) => status === 'scored',
  );
  return { candidate: created.id, file: created.file_id };
}

async function completed(orgId: string, requestId: string, session: Session | Record<string, string> = admin) {
  await expect
    .poll(async () => (await json(await send(`/api/v1/orgs/${orgId}/subject-requests/${requestId}`, session, undefined, 'GET'))).status, { timeout: 30_000 })
    .toBe('completed');
  return json(await send(`/api/v1/orgs/${orgId}/subject-requests/${requestId}`, session, undefined, 'GET'));
}

async function apiKey(scopes: string[]): Promise<Record<string, string>> {
  const response = await send('/api/v1/api-keys', admin, { name: `key ${scopes.join(' ')}`, scopes });
  expect(response.status).toBe(201);
  return { 'x-api-key': (await json(response)).key };
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await register(t, { role: 'recruiter', orgName: `Acme ${tag}` });
  rival = await register(t, { role: 'recruiter', orgName: `Rival ${tag}` });
  candidate = await register(t, { role: 'candidate' });
  jobs.a1 = await createJob(admin, 'Backend Engineer');
  jobs.a2 = await createJob(admin, 'Platform Engineer');
  jobs.b = await createJob(rival, 'Site Reliability Engineer');

  // Dagny's resume in two jobs of Acme, and in Rival's; someone else's in Acme.
  ({ candidate: ids.a1, file: files.a1 } = await intake(admin, jobs.a1, bytes.a1, dagny.files[0]!));
  ({ candidate: ids.a2, file: files.a2 } = await intake(admin, jobs.a2, bytes.a2, dagny.files[1]!));
  ({ candidate: ids.b, file: files.b } = await intake(rival, jobs.b, resume('rival'), dagny.rivalFile));
  ({ candidate: ids.other } = await intake(admin, jobs.a1, Buffer.from(`Zebulon Other${tag}\nzeb.${tag}@example.test\nSkills\nGo\n`), `zeb-${tag}.txt`));

  // A version of one of her files that was caught by the scanner: its bytes sit in quarantine.
  const version = new FormData();
  version.append('file', new Blob([`${dagny.name}\n${EICAR}\n`]), dagny.quarantinedName);
  expect((await t.fetch(`/api/v1/files/${files.a1}/versions`, { method: 'POST', headers: admin.headers, body: version })).status).toBe(201);
  await until(
    async () =>
      (await t.runtime.db.selectFrom('file_versions').select('quarantine_key').where('file_id', '=', files.a1).where('version', '=', 2).executeTakeFirst())
        ?.quarantine_key ?? null,
    (key) => key !== null,
  );
  expect((await waitForScan(t, admin, files.a1)).status).toBe('clean');
});
afterAll(async () => t?.close());

describe('who may file subject requests', () => {
  it('org admins and keys with subjects:write; others get 403 or, for another organization, 404; bad input changes nothing', async () => {
    const orgA = admin.user.org_id!;
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM subject_requests`.execute(t.runtime.db)).rows[0]!.n);
    const before = await count();
    const body = { email: dagny.email, action: 'export' };
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests`, rival, body)).status).toBe(404);
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests`, candidate, body)).status).toBe(404);
    const noScope = await send(`/api/v1/orgs/${orgA}/subject-requests`, await apiKey(['candidates:read', 'candidates:write']), body);
    expect(noScope.status).toBe(403);
    const invalid = await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: 'not an address', action: 'erase' });
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).code).toBe('invalid_email');
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: dagny.email, phone: '12', action: 'erase' })).status).toBe(400);
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: dagny.email, action: 'forget' })).status).toBe(400);
    expect(await count()).toBe(before);

    const key = await apiKey(['subjects:write']);
    const filed = await send(`/api/v1/orgs/${orgA}/subject-requests`, key, body);
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { id } = await json(filed);
    // Another organization sees neither the request nor its organization's list.
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests/${id}`, rival, undefined, 'GET')).status).toBe(404);
    expect((await send(`/api/v1/orgs/${rival.user.org_id}/subject-requests/${id}`, rival, undefined, 'GET')).status).toBe(404);
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests/${id}/confirm`, rival)).status).toBe(404);
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests`, rival, undefined, 'GET')).status).toBe(404);
    const listed = await json(await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, undefined, 'GET'));
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(id);
  });
});

describe('a subject request to export', () => {
  it('lists the person’s candidates first, then exports exactly them: data.json and the bytes of their files', async () => {
    const orgA = admin.user.org_id!;
    const filed = await json(await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: dagny.email.toUpperCase(), action: 'export' }));
    expect(filed.status).toBe('pending');
    expect(filed.matches.map((match: { candidate_id: string }) => match.candidate_id).sort()).toEqual([ids.a1, ids.a2].sort());
    expect(filed.matches[0]).toMatchObject({ name: dagny.name, email: dagny.email, erased: false, via_application: false });

    const confirmed = await send(`/api/v1/orgs/${orgA}/subject-requests/${filed.id}/confirm`, admin);
    expect(confirmed.status).toBe(202);
    const done = await completed(orgA, filed.id);
    expect(done.report).toEqual({ candidates_exported: 2, files_exported: 2, files_listed: 2 });
    expect((await send(`/api/v1/orgs/${orgA}/subject-requests/${filed.id}/confirm`, admin)).status).toBe(409);

    const download = await fetch(done.download_url);
    expect(download.status).toBe(200);
    const entries = await unzip(Buffer.from(await download.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual(['data.json', `files/${files.a1}/${dagny.files[0]}`, `files/${files.a2}/${dagny.files[1]}`].sort());
    expect(entries.get(`files/${files.a1}/${dagny.files[0]}`)!.equals(bytes.a1)).toBe(true);
    expect(entries.get(`files/${files.a2}/${dagny.files[1]}`)!.equals(bytes.a2)).toBe(true);
    const text = entries.get('data.json')!.toString('utf8');
    const data = JSON.parse(text);
    expect(data.organization).toEqual({ id: orgA, name: `Acme ${tag}` });
    expect(data.candidates.map((entry: { id: string }) => entry.id).sort()).toEqual([ids.a1, ids.a2].sort());
    expect(data.candidates[0]).toMatchObject({ name: dagny.name, email: dagny.email, phone: dagny.e164 });
    expect(data.files.find((file: { id: string }) => file.id === files.a1).versions).toHaveLength(2);
    expect(data.audit_entries.length).toBeGreaterThan(0);
    for (const entry of data.audit_entries) expect(entry).not.toHaveProperty('ip');
    // Nothing of anyone else: not the other candidate, not the other organization's copy of her resume.
    for (const foreign of [ids.other, `Zebulon Other${tag}`, ids.b, files.b, dagny.rivalFile, rival.user.org_id!, `Rival ${tag}`, admin.user.email]) {
      expect(text).not.toContain(foreign);
    }
    const actions = await t.runtime.db.selectFrom('audit_events').select('action').where('resource_id', '=', filed.id).execute();
    expect(actions.map((row) => row.action)).toEqual(
      expect.arrayContaining(['subject_request.created', 'subject_request.confirmed', 'subject_request.completed', 'subject_request.download_url_issued']),
    );
  });
});

describe('a subject request to erase', () => {
  it('erases every candidate and file of the organization about the person, and nothing else', async () => {
    const orgA = admin.user.org_id!;
    // Matched by phone alone too: an address she never used, and her number as printed without its country code.
    const byPhone = await json(
      await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: `nobody.${tag}@example.test`, phone: '(415) 555-0143', action: 'erase' }),
    );
    expect(byPhone.matches.map((match: { candidate_id: string }) => match.candidate_id).sort()).toEqual([ids.a1, ids.a2].sort());

    const filed = await json(await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: dagny.email, phone: dagny.phone, action: 'erase' }));
    expect(filed.matches).toHaveLength(2);
    // Listing erases nothing.
    expect((await json(await t.fetch(`/api/v1/candidates/${ids.a1}`, { headers: admin.headers }))).name).toBe(dagny.name);

    const versions = await t.runtime.db
      .selectFrom('file_versions')
      .select(['storage_key', 'quarantine_key'])
      .where('file_id', 'in', [files.a1, files.a2])
      .execute();
    const keys = versions.map((version) => version.quarantine_key ?? version.storage_key);
    expect(versions.some((version) => version.quarantine_key !== null)).toBe(true);
    const exportKeys = (await t.runtime.db.selectFrom('subject_requests').select('storage_key').where('storage_key', 'is not', null).execute()).map(
      (row) => row.storage_key!,
    );
    expect(exportKeys.length).toBeGreaterThan(0);
    const before = await storedKeys(t);
    for (const key of [...keys, ...exportKeys]) expect(before).toContain(key);
    for (const needle of [dagny.name, dagny.email, dagny.e164, ...dagny.files, dagny.quarantinedName])
      expect(await rowsContaining(t, needle), needle).not.toEqual([]);

    expect((await send(`/api/v1/orgs/${orgA}/subject-requests/${filed.id}/confirm`, admin)).status).toBe(202);
    const done = await completed(orgA, filed.id);
    expect(done.report).toMatchObject({ candidates_erased: 2, files_erased: 2, files_unshared: 0, exports_purged: 1 });
    expect(done.report.candidates.map((entry: { candidate_id: string }) => entry.candidate_id).sort()).toEqual([ids.a1, ids.a2].sort());
    expect(done.matches.every((match: { erased: boolean; name: string | null }) => match.erased && match.name === null)).toBe(true);

    // No row holds her name, email, phone or file names, except the other organization's own copy, which is untouched.
    const rivalCandidate = (needle: string) =>
      sql<{ id: string }>`SELECT id FROM candidates AS r WHERE strpos(lower(r::text), lower(${needle})) > 0`
        .execute(t.runtime.db)
        .then((result) => result.rows.map((row) => row.id));
    for (const needle of [dagny.name, dagny.email, dagny.e164]) {
      expect(await rowsContaining(t, needle), needle).toEqual(['public.candidates']);
      expect(await rivalCandidate(needle)).toEqual([ids.b]);
    }
    for (const needle of [...dagny.files, dagny.quarantinedName]) expect(await rowsContaining(t, needle), needle).toEqual([]);
    const rivalView = await json(await t.fetch(`/api/v1/candidates/${ids.b}`, { headers: rival.headers }));
    expect(rivalView).toMatchObject({ name: dagny.name, email: dagny.email });

    // No blob holds her files, their quarantined copy or an export of them; the only bytes naming her are the other organization's.
    const after = await storedKeys(t);
    for (const key of [...keys, ...exportKeys]) expect(after).not.toContain(key);
    expect(after.filter((key) => key.includes(files.a1) || key.includes(files.a2))).toEqual([]);
    const naming: string[] = [];
    for (const key of after) {
      const chunks: Buffer[] = [];
      for await (const chunk of await t.runtime.store.get(key)) chunks.push(chunk as Buffer);
      if (Buffer.concat(chunks).includes(dagny.email)) naming.push(key);
    }
    const rivalKey = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', files.b).executeTakeFirstOrThrow();
    expect(naming).toEqual([rivalKey.storage_key]);

    // The other candidate of the organization is untouched; the recruiters see hers as gone.
    expect((await t.fetch(`/api/v1/candidates/${ids.other}`, { headers: admin.headers })).status).toBe(200);
    expect((await t.fetch(`/api/v1/candidates/${ids.a1}`, { headers: admin.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/files/${files.a2}`, { headers: admin.headers })).status).toBe(404);

    // Audited with ids only; every chain still verifies.
    const erased = await t.runtime.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('resource_id', 'in', [ids.a1, ids.a2])
      .where('action', '=', 'candidate.erased')
      .execute();
    expect(erased).toHaveLength(2);
    expect(erased[0]!.details).toEqual({ via: 'subject_request', request_id: filed.id });
    expect((await t.services.audit.verify()).filter((report) => !report.ok)).toEqual([]);
  });
});

it('matches a person with an account who applied; their own file stays theirs, and erasing their account drops the organization’s export of them', async () => {
  const orgA = admin.user.org_id!;
  const carolEmail = `carol.${tag}@example.test`;
  const carol = await register(t, { role: 'candidate', email: carolEmail, name: `Carol ${surname}` });
  const upload = new FormData();
  upload.append('category', 'resume');
  upload.append('file', new Blob([`Carol ${surname}\n${carolEmail}\nSkills\nNode.js\n`]), `carol-${tag}.txt`);
  const file = await json(await t.fetch('/api/v1/files', { method: 'POST', headers: carol.headers, body: upload }));
  expect((await waitForScan(t, carol, file.id)).status).toBe('clean');
  const applied = await json(await send(`/api/v1/jobs/${jobs.a2}/applications`, carol, { resume_file_id: file.id }));
  await until(
    async () => (await json(await t.fetch(`/api/v1/candidates/${applied.candidate_id}`, { headers: admin.headers }))).status,
    (status) => status === 'scored',
  );

  const filed = await json(await send(`/api/v1/orgs/${orgA}/subject-requests`, admin, { email: carolEmail, action: 'export' }));
  expect(filed.matches).toEqual([expect.objectContaining({ candidate_id: applied.candidate_id, via_application: true })]);
  await send(`/api/v1/orgs/${orgA}/subject-requests/${filed.id}/confirm`, admin);
  await completed(orgA, filed.id);
  const { storage_key } = await t.runtime.db.selectFrom('subject_requests').select('storage_key').where('id', '=', filed.id).executeTakeFirstOrThrow();
  expect(await t.runtime.store.exists(storage_key!)).toBe(true);

  expect((await send('/api/v1/me', carol, { password: 'correct horse battery staple' }, 'DELETE')).status).toBe(204);
  expect(await t.runtime.store.exists(storage_key!)).toBe(false);
  const after = await json(await send(`/api/v1/orgs/${orgA}/subject-requests/${filed.id}`, admin, undefined, 'GET'));
  expect(after).toMatchObject({ status: 'completed', matches: [], expires_at: null });
  expect(after.download_url).toBeUndefined();
  expect(await rowsContaining(t, carolEmail)).toEqual([]);
});

it('documents the routes and the scope in the OpenAPI spec', async () => {
  const spec = await json(await t.fetch('/openapi.json'));
  for (const [path, method] of [
    ['/api/v1/orgs/{org_id}/subject-requests', 'post'],
    ['/api/v1/orgs/{org_id}/subject-requests', 'get'],
    ['/api/v1/orgs/{org_id}/subject-requests/{request_id}', 'get'],
    ['/api/v1/orgs/{org_id}/subject-requests/{request_id}/confirm', 'post'],
  ] as const) {
    expect(spec.paths[path]?.[method]?.tags, `${method} ${path}`).toContain('personal data');
  }
  expect(JSON.stringify(spec.paths['/api/v1/api-keys'].post.requestBody)).toContain('subjects:write');
});
