import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';

let t: TestApp;
let admin: Session;
let rival: Session;
let candidate: Session;
let resumeId: string;
const jobs: string[] = [];

const send = (path: string, session: Session, body?: unknown, method = 'POST') =>
  t.fetch(path, {
    method,
    headers: { ...session.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const apply = (job: string, notice?: string) =>
  send(`/api/v1/jobs/${job}/applications`, candidate, { resume_file_id: resumeId, ...(notice ? { privacy_notice_id: notice } : {}) });

beforeAll(async () => {
  t = await startTestApp();
  admin = await register(t, { role: 'recruiter', orgName: 'Noticed Ltd' });
  rival = await register(t, { role: 'recruiter', orgName: 'Other Ltd' });
  candidate = await register(t, { role: 'candidate' });
  for (const title of ['One', 'Two', 'Three', 'Four']) {
    const response = await send('/api/v1/jobs', admin, { title, description: 'Work.' });
    jobs.push((await json(response)).id);
  }
  const upload = await json(await uploadStreamed(t, candidate, { bytes: Buffer.from('Pat Doe\nSkills\nGo\n'), filename: 'pat.txt', category: 'resume' }));
  resumeId = upload.id;
  expect((await waitForScan(t, candidate, resumeId)).status).toBe('clean');
});
afterAll(async () => t?.close());

describe('privacy notices', () => {
  it('are published in versions by org admins only; bad input changes nothing', async () => {
    const path = `/api/v1/orgs/${admin.user.org_id}/privacy-notices`;
    expect((await send(path, rival, { text: 'Ours' })).status).toBe(404);
    expect((await send(path, candidate, { text: 'Ours' })).status).toBe(404);
    const empty = await send(path, admin, { text: '  ' });
    expect([empty.status, (await json(empty)).code]).toEqual([400, 'empty_notice']);
    const badUrl = await send(path, admin, { url: 'javascript:alert(1)' });
    expect([badUrl.status, (await json(badUrl)).code]).toEqual([400, 'invalid_url']);
    expect((await json(await send(path, admin, undefined, 'GET'))).items).toEqual([]);
  });

  it('are shown before applying, and the application records the version seen and when', async () => {
    // Without a notice, applying works as before.
    expect(await json(await send(`/api/v1/jobs/${jobs[0]}/privacy-notice`, candidate, undefined, 'GET'))).toEqual({ notice: null });
    const plain = await apply(jobs[0]!);
    expect(plain.status).toBe(201);
    expect((await json(plain)).privacy_notice).toBeNull();

    const path = `/api/v1/orgs/${admin.user.org_id}/privacy-notices`;
    const v1 = await json(await send(path, admin, { text: 'We keep your resume for 180 days.' }));
    expect(v1).toMatchObject({ version: 1, text: 'We keep your resume for 180 days.', url: null });
    expect((await json(await send(`/api/v1/jobs/${jobs[1]}/privacy-notice`, candidate, undefined, 'GET'))).notice).toEqual(v1);

    const unseen = await apply(jobs[1]!);
    expect([unseen.status, (await json(unseen)).code]).toEqual([409, 'privacy_notice_required']);
    const before = Date.now();
    const seen = await apply(jobs[1]!, v1.id);
    expect(seen.status, await seen.clone().text()).toBe(201);
    const application = await json(seen);
    expect(application.privacy_notice).toMatchObject({ id: v1.id, version: 1 });
    expect(Date.parse(application.privacy_notice.seen_at)).toBeGreaterThanOrEqual(before - 1000);
    const row = await t.runtime.db
      .selectFrom('applications')
      .select(['privacy_notice_id', 'privacy_notice_seen_at'])
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(row.privacy_notice_id).toBe(v1.id);
    expect(row.privacy_notice_seen_at).not.toBeNull();

    const v2 = await json(await send(path, admin, { url: 'https://noticed.example/privacy' }));
    expect(v2.version).toBe(2);
    const outdated = await apply(jobs[2]!, v1.id);
    expect([outdated.status, (await json(outdated)).code]).toEqual([409, 'privacy_notice_outdated']);
    const rivalNotice = await json(await send(`/api/v1/orgs/${rival.user.org_id}/privacy-notices`, rival, { text: 'Theirs' }));
    const foreign = await apply(jobs[2]!, rivalNotice.id);
    expect([foreign.status, (await json(foreign)).code]).toEqual([400, 'invalid_privacy_notice']);
    expect((await apply(jobs[2]!, v2.id)).status).toBe(201);

    const versions = await json(await send(path, admin, undefined, 'GET'));
    expect(versions.items.map((notice: { version: number }) => notice.version)).toEqual([2, 1]);
    const audited = await t.runtime.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'privacy_notice.published')
      .where('org_id', '=', admin.user.org_id!)
      .execute();
    expect(audited.map((entry) => entry.details)).toEqual(expect.arrayContaining([{ version: 1 }, { version: 2 }]));
  });

  it('are documented in the OpenAPI spec', async () => {
    const spec = await json(await t.fetch('/openapi.json'));
    expect(spec.paths['/api/v1/orgs/{org_id}/privacy-notices'].post.tags).toContain('personal data');
    expect(spec.paths['/api/v1/jobs/{id}/privacy-notice'].get).toBeTruthy();
    expect(spec.paths['/api/v1/jobs/{id}/applications'].post.requestBody.content['application/json'].schema.properties.privacy_notice_id).toBeTruthy();
  });
});
