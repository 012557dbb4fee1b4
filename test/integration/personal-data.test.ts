import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { EICAR, makePdf } from '../helpers/documents.ts';
import { rowsContaining as rowsContainingIn, storedKeys as storedKeysIn, until, unzip } from '../helpers/personal-data.ts';

const PASSWORD = 'correct horse battery staple';
const tag = randomBytes(4).toString('hex');
/** Letters only, for a surname the resume parser reads as a name. */
const surname = `Quarrington${[...randomBytes(5)].map((byte) => 'bcdfghjklmnpqrstvwxz'[byte % 20]).join('')}`;

/** The person whose data is exported and erased: every string that names them is unique to this run. */
const alice = {
  name: `Ottoline ${surname}`,
  email: `ottoline.${tag}@example.test`,
  phone: '+1 415 555 0199',
  resumeName: `ottoline-cv-${tag}.pdf`,
  coverName: `ottoline-letter-${tag}.txt`,
  quarantinedName: `ottoline-bad-${tag}.txt`,
};

let t: TestApp;
let recruiter: Session;
let rival: Session;
let aliceSession: Session;
let bob: Session;
let jobId: string;
let rivalJobId: string;
let resumeV2: Buffer;
let coverBytes: Buffer;
const rowsContaining = (needle: string) => rowsContainingIn(t, needle);
const storedKeys = () => storedKeysIn(t);
const ids = { resume: '', cover: '', quarantined: '', application: '', candidate: '', bobResume: '', bobCandidate: '', intakeCandidate: '' };

const postJson = (path: string, session: Session, body: unknown, method = 'POST') =>
  t.fetch(path, { method, headers: { ...session.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function createJob(session: Session, title: string): Promise<string> {
  const response = await postJson('/api/v1/jobs', session, {
    title,
    description: 'Build Node.js services with PostgreSQL.',
    skills: ['Node.js', 'PostgreSQL'],
  });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

async function cleanUpload(session: Session, bytes: Buffer, filename: string, category: string): Promise<string> {
  const response = await uploadStreamed(t, session, { bytes, filename, category });
  expect(response.status, await response.clone().text()).toBe(201);
  const { id } = await json(response);
  expect((await waitForScan(t, session, id)).status).toBe('clean');
  return id;
}

async function apply(session: Session, job: string, resume: string, cover?: string): Promise<{ id: string; candidate_id: string }> {
  const response = await postJson(`/api/v1/jobs/${job}/applications`, session, { resume_file_id: resume, ...(cover ? { cover_letter_file_id: cover } : {}) });
  expect(response.status, await response.clone().text()).toBe(201);
  return json(response);
}

async function readyExport(session: Session): Promise<{ id: string; download_url: string; [key: string]: unknown }> {
  const started = await t.fetch('/api/v1/me/export', { method: 'POST', headers: session.headers });
  expect(started.status, await started.clone().text()).toBe(202);
  const { id, status } = await json(started);
  expect(status).toBe('pending');
  await expect
    .poll(async () => (await json(await t.fetch(`/api/v1/me/exports/${id}`, { headers: session.headers }))).status, { timeout: 30_000 })
    .toBe('ready');
  return json(await t.fetch(`/api/v1/me/exports/${id}`, { headers: session.headers }));
}

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: `Hiring Co ${tag}` });
  rival = await register(t, { role: 'recruiter', orgName: `Rival Co ${tag}` });
  aliceSession = await register(t, { role: 'candidate', name: alice.name, email: alice.email });
  bob = await register(t, { role: 'candidate', name: `Bartholomew Other${tag}` });
  jobId = await createJob(recruiter, 'Backend Engineer');
  rivalJobId = await createJob(rival, 'Platform Engineer');

  // Alice: a resume in two versions, a cover letter, and a file held in quarantine.
  const resumeLines = (version: string) => [
    alice.name,
    `${alice.email} | ${alice.phone}`,
    'Experience',
    `Engineer, Example Corp 2015 - 2024 (${version})`,
    'Skills',
    'Node.js, PostgreSQL',
  ];
  ids.resume = await cleanUpload(aliceSession, Buffer.from(await makePdf(resumeLines('v1'))), alice.resumeName, 'resume');
  resumeV2 = Buffer.from(await makePdf(resumeLines('v2')));
  const version = new FormData();
  version.append('file', new Blob([resumeV2]), alice.resumeName);
  expect((await t.fetch(`/api/v1/files/${ids.resume}/versions`, { method: 'POST', headers: aliceSession.headers, body: version })).status).toBe(201);
  await until(
    async () => (await json(await t.fetch(`/api/v1/files/${ids.resume}`, { headers: aliceSession.headers }))).version,
    (version) => version === 2,
  );
  coverBytes = Buffer.from(`Dear hiring team,\nI am ${alice.name}.\n`);
  ids.cover = await cleanUpload(aliceSession, coverBytes, alice.coverName, 'cover_letter');
  const infected = await json(
    await uploadStreamed(t, aliceSession, { bytes: Buffer.from(`Resume\n${EICAR}\n`), filename: alice.quarantinedName, category: 'resume' }),
  );
  ids.quarantined = infected.id;
  expect((await waitForScan(t, aliceSession, infected.id)).status).toBe('infected');

  const application = await apply(aliceSession, jobId, ids.resume, ids.cover);
  ids.application = application.id;
  ids.candidate = application.candidate_id;

  // Other people's data in the same organization's job: another candidate's application and a recruiter's own intake.
  ids.bobResume = await cleanUpload(bob, Buffer.from(`Bartholomew Other${tag}\nbob.${tag}@example.test\nSkills\nGo\n`), 'bob.txt', 'resume');
  ids.bobCandidate = (await apply(bob, jobId, ids.bobResume)).candidate_id;
  const intake = new FormData();
  intake.append('file', new Blob([`Someone Else${tag}\nelse.${tag}@example.test\nSkills\nRust\n`]), 'else.txt');
  const intakeResponse = await t.fetch(`/api/v1/jobs/${rivalJobId}/candidates`, { method: 'POST', headers: rival.headers, body: intake });
  expect(intakeResponse.status).toBe(202);
  ids.intakeCandidate = (await json(intakeResponse)).id;

  const candidateOf = (session: Session, id: string) => async () =>
    (await json(await t.fetch(`/api/v1/candidates/${id}`, { headers: session.headers }))).status;
  for (const [session, id] of [
    [recruiter, ids.candidate],
    [recruiter, ids.bobCandidate],
    [rival, ids.intakeCandidate],
  ] as const) {
    await until(candidateOf(session, id), (status) => status === 'scored');
  }
  // A recruiter reads Alice's shared resume: an audit entry about her file made by someone else.
  expect((await t.fetch(`/api/v1/files/${ids.resume}`, { headers: recruiter.headers })).status).toBe(200);
});
afterAll(async () => t?.close());

describe('export of one’s own data', () => {
  it('is one ZIP of exactly the person’s data: data.json and the bytes of every current clean file', async () => {
    const exported = await readyExport(aliceSession);
    expect(exported.download_url).toMatch(/^https?:\/\//);
    const download = await fetch(exported.download_url);
    expect(download.status).toBe(200);
    const entries = await unzip(Buffer.from(await download.arrayBuffer()));

    // The bytes: the current version of each live clean file, byte for byte; nothing from quarantine.
    expect([...entries.keys()].sort()).toEqual(['data.json', `files/${ids.cover}/${alice.coverName}`, `files/${ids.resume}/${alice.resumeName}`].sort());
    expect(entries.get(`files/${ids.resume}/${alice.resumeName}`)!.equals(resumeV2)).toBe(true);
    expect(entries.get(`files/${ids.cover}/${alice.coverName}`)!.equals(coverBytes)).toBe(true);

    const text = entries.get('data.json')!.toString('utf8');
    const data = JSON.parse(text);
    expect(data.account).toEqual({
      id: aliceSession.user.id,
      email: alice.email,
      name: alice.name,
      role: 'candidate',
      external_identity: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(text).not.toMatch(/password|scrypt/i);
    expect(data.files.map((file: { id: string }) => file.id).sort()).toEqual([ids.resume, ids.cover, ids.quarantined].sort());
    const resume = data.files.find((file: { id: string }) => file.id === ids.resume);
    expect(resume.versions.map((v: { version: number; filename: string }) => [v.version, v.filename])).toEqual([
      [1, alice.resumeName],
      [2, alice.resumeName],
    ]);
    expect(data.files.find((file: { id: string }) => file.id === ids.quarantined)).toMatchObject({ status: 'infected', archive_path: null });
    expect(data.applications).toEqual([
      expect.objectContaining({
        id: ids.application,
        job_id: jobId,
        resume_file_id: ids.resume,
        cover_letter_file_id: ids.cover,
        org_name: `Hiring Co ${tag}`,
      }),
    ]);
    expect(data.candidate_records).toEqual([
      expect.objectContaining({ id: ids.candidate, application_id: ids.application, name: alice.name, email: alice.email, status: 'scored' }),
    ]);

    // Audit entries: about her files and her account only; other people's addresses are left out.
    const own = new Set([ids.resume, ids.cover, ids.quarantined]);
    expect(data.audit_entries.length).toBeGreaterThan(0);
    for (const entry of data.audit_entries) {
      expect(own.has(entry.file_id) || entry.resource_id === aliceSession.user.id).toBe(true);
      if (entry.actor_id !== aliceSession.user.id) expect([entry.ip, entry.user_agent, entry.request_id]).toEqual([null, null, null]);
    }
    expect(
      data.audit_entries.some((entry: { actor_id: string; action: string }) => entry.actor_id === recruiter.user.id && entry.action === 'file.metadata_read'),
    ).toBe(true);

    // Nothing of anyone else: not Bob, his resume or candidate record, the other organization, its intake.
    for (const foreign of [
      bob.user.id,
      ids.bobResume,
      ids.bobCandidate,
      `Bartholomew Other${tag}`,
      `bob.${tag}`,
      rival.user.id,
      rival.user.org_id!,
      `Rival Co ${tag}`,
      ids.intakeCandidate,
      `Someone Else${tag}`,
      recruiter.user.email,
    ]) {
      expect(text).not.toContain(foreign);
    }
  });

  it('is visible only to its owner, is audited, and expires', async () => {
    const exported = await readyExport(aliceSession);
    expect((await t.fetch(`/api/v1/me/exports/${exported.id}`, { headers: bob.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/me/exports/${exported.id}`, { headers: recruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/me/export`, { method: 'POST', headers: recruiter.headers })).status).toBe(403);
    const mine = await json(await t.fetch('/api/v1/me/exports', { headers: aliceSession.headers }));
    expect(mine.items.map((item: { id: string }) => item.id)).toContain(exported.id);
    expect((await json(await t.fetch('/api/v1/me/exports', { headers: bob.headers }))).items).toEqual([]);

    const actions = await t.runtime.db.selectFrom('audit_events').select('action').where('resource_id', '=', exported.id).execute();
    expect(actions.map((row) => row.action)).toEqual(expect.arrayContaining(['export.requested', 'export.ready', 'export.download_url_issued']));

    const row = await t.runtime.db.selectFrom('data_exports').selectAll().where('id', '=', exported.id).executeTakeFirstOrThrow();
    expect(await t.runtime.store.exists(row.storage_key!)).toBe(true);
    // The reconciler leaves a live export alone; the purge removes it once expired.
    await t.services.maintenance.reconcileBlobs(new Date(Date.now() + 2 * 3600 * 1000));
    expect(await t.runtime.store.exists(row.storage_key!)).toBe(true);
    expect(await t.services.exports.purgeExpired(new Date(row.expires_at.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await t.runtime.store.exists(row.storage_key!)).toBe(false);
    const after = await json(await t.fetch(`/api/v1/me/exports/${exported.id}`, { headers: aliceSession.headers }));
    expect(after.status).toBe('expired');
    expect(after.download_url).toBeUndefined();
  });
});

it('a build that cannot read a file fails cleanly: no archive is kept and the export says failed', async () => {
  const carol = await register(t, { role: 'candidate' });
  const fileId = await cleanUpload(carol, Buffer.from('Carol\nSkills\nCOBOL\n'), 'carol.txt', 'resume');
  const { storage_key } = await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', fileId).executeTakeFirstOrThrow();
  await t.runtime.store.delete(storage_key);
  // A row of its own, not queued: this test runs the build's last attempt itself.
  const exportId = crypto.randomUUID();
  await t.runtime.db
    .insertInto('data_exports')
    .values({ id: exportId, user_id: carol.user.id, status: 'pending', storage_key: null, size: null, expires_at: new Date(Date.now() + 3600_000) })
    .execute();

  await expect(t.services.exports.build(exportId, 3, true)).rejects.toThrow();
  expect((await json(await t.fetch(`/api/v1/me/exports/${exportId}`, { headers: carol.headers }))).status).toBe('failed');
  expect((await storedKeys()).filter((key) => key.startsWith(`exports/${exportId}/`))).toEqual([]);
  const failed = await t.runtime.db.selectFrom('audit_events').select('action').where('resource_id', '=', exportId).execute();
  expect(failed.map((row) => row.action)).toContain('export.failed');
});

it('documents the routes in the OpenAPI spec', async () => {
  const spec = await json(await t.fetch('/openapi.json'));
  for (const [path, method] of [
    ['/api/v1/me/export', 'post'],
    ['/api/v1/me/exports', 'get'],
    ['/api/v1/me/exports/{id}', 'get'],
    ['/api/v1/me', 'delete'],
  ] as const) {
    expect(spec.paths[path]?.[method]?.tags, `${method} ${path}`).toContain('personal data');
  }
  expect(Object.keys(spec.paths['/api/v1/me/exports/{id}'].get.responses['200'].content['application/json'].schema.properties)).toEqual(
    expect.arrayContaining(['status', 'expires_at', 'download_url']),
  );
  expect(spec.paths['/api/v1/me'].delete.requestBody.content['application/json'].schema.properties.password).toBeTruthy();
});

describe('erasing one’s account', () => {
  it('refuses without the right password and changes nothing; another person’s erasure leaves it alone', async () => {
    const wrong = await postJson('/api/v1/me', aliceSession, { password: 'not the password at all' }, 'DELETE');
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(wrong)).code).toBe('invalid_password');
    const missing = await t.fetch('/api/v1/me', { method: 'DELETE', headers: aliceSession.headers });
    expect(missing.status).toBe(403);
    expect((await json(missing)).code).toBe('reauthentication_required');
    expect((await postJson('/api/v1/me', bob, { password: PASSWORD }, 'DELETE')).status).toBe(204);
    // Bob is gone; Alice is not.
    expect((await t.fetch(`/api/v1/files/${ids.resume}`, { headers: aliceSession.headers })).status).toBe(200);
    expect((await t.fetch(`/api/v1/candidates/${ids.candidate}`, { headers: recruiter.headers })).status).toBe(200);
    expect(await rowsContaining(alice.email)).toContain('public.users');
  });

  it('erases files, applications, candidate records, exports and sessions; the audit trail keeps ids and still verifies', async () => {
    await readyExport(aliceSession);
    // An upload whose bytes arrived but that was never completed (on S3 they sit on a staging key).
    const pendingBytes = Buffer.from(`Draft of ${alice.name}\n`);
    const initiated = await json(
      await postJson('/api/v1/files/upload/initiate', aliceSession, {
        filename: `ottoline-draft-${tag}.txt`,
        content_type: 'text/plain',
        size: pendingBytes.length,
        category: 'resume',
      }),
    );
    expect((await fetch(initiated.upload.url, { method: initiated.upload.method, headers: initiated.upload.headers, body: pendingBytes })).ok).toBe(true);
    const login = await postJson('/api/v1/auth/login', aliceSession, { email: alice.email, password: PASSWORD });
    expect(login.status).toBe(200);
    const { refresh_token } = await json(login);
    const fileIds = [ids.resume, ids.cover, ids.quarantined, initiated.file_id];
    const versions = await t.runtime.db.selectFrom('file_versions').select(['storage_key', 'quarantine_key']).where('file_id', 'in', fileIds).execute();
    const exports = await t.runtime.db.selectFrom('data_exports').select('storage_key').where('user_id', '=', aliceSession.user.id).execute();
    // Infected bytes live only under their quarantine key.
    const aliceKeys = [...versions.map((v) => v.quarantine_key ?? v.storage_key), ...exports.map((e) => e.storage_key)].filter(
      (key): key is string => key !== null,
    );
    expect(versions.some((v) => v.quarantine_key !== null)).toBe(true);
    const before = await storedKeys();
    for (const key of aliceKeys.filter((key) => !key.endsWith(`${initiated.file_id}/1`))) expect(before).toContain(key);
    expect(before.filter((key) => key.includes(initiated.file_id))).toHaveLength(1);
    for (const needle of [alice.name, alice.email, alice.resumeName, alice.coverName, alice.quarantinedName])
      expect(await rowsContaining(needle)).not.toEqual([]);

    expect((await postJson('/api/v1/me', aliceSession, { password: PASSWORD }, 'DELETE')).status).toBe(204);

    // No row anywhere holds her name, email, phone or file names; the store holds none of her blobs.
    for (const needle of [alice.name, alice.email, alice.phone, alice.resumeName, alice.coverName, alice.quarantinedName])
      expect(await rowsContaining(needle), needle).toEqual([]);
    const after = await storedKeys();
    for (const key of [...aliceKeys, ...versions.map((v) => v.storage_key)]) expect(after).not.toContain(key);
    expect(after.filter((key) => key.includes(aliceSession.user.id) || fileIds.some((id) => key.includes(id)))).toEqual([]);

    // Her applications and the candidate records made from them are gone; the organization's access ended.
    expect(await t.runtime.db.selectFrom('applications').select('id').where('candidate_user_id', '=', aliceSession.user.id).execute()).toEqual([]);
    expect(await t.runtime.db.selectFrom('candidates').select('id').where('id', '=', ids.candidate).execute()).toEqual([]);
    expect((await t.fetch(`/api/v1/candidates/${ids.candidate}`, { headers: recruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/files/${ids.resume}`, { headers: recruiter.headers })).status).toBe(404);

    // She cannot sign in, refresh, or use a token issued before; her address may register again.
    expect((await postJson('/api/v1/auth/login', aliceSession, { email: alice.email, password: PASSWORD })).status).toBe(401);
    expect((await postJson('/api/v1/auth/refresh', aliceSession, { refresh_token })).status).toBe(401);
    const stale = await t.fetch('/api/v1/auth/me', { headers: aliceSession.headers });
    expect(stale.status).toBe(401);
    expect((await t.fetch('/api/v1/files', { headers: aliceSession.headers })).status).toBe(401);
    const again = await register(t, { role: 'candidate', email: alice.email, name: alice.name });
    expect(again.user.id).not.toBe(aliceSession.user.id);

    // Other people's data is untouched.
    expect((await t.fetch(`/api/v1/candidates/${ids.intakeCandidate}`, { headers: rival.headers })).status).toBe(200);

    // The trail keeps its entries, with ids, and every chain still verifies.
    const erased = await t.runtime.db
      .selectFrom('audit_events')
      .select(['action', 'resource_id'])
      .where('action', '=', 'user.erased')
      .where('outcome', '=', 'allowed')
      .where('resource_id', '=', aliceSession.user.id)
      .execute();
    expect(erased).toHaveLength(1);
    expect(await t.runtime.db.selectFrom('audit_events').select('id').where('file_id', '=', ids.resume).execute()).not.toEqual([]);
    const reports = await t.services.audit.verify();
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.filter((report) => !report.ok)).toEqual([]);
  });
});
