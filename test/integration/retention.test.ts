import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';
import { rowsContaining, until } from '../helpers/personal-data.ts';

const DAY_MS = 24 * 3600 * 1000;
const tag = randomBytes(4).toString('hex');
let t: TestApp;
let admin: Session;
let rival: Session;
let candidate: Session;
const jobs = { closing: '', open: '', rival: '' };
const c = { closed1: '', closed2: '', rejected: '', kept: '', rival: '' };
const filenames = { closed1: `closed-one-${tag}.txt`, closed2: `closed-two-${tag}.txt`, rejected: `rejected-${tag}.txt`, kept: `kept-${tag}.txt` };
let start: Date;

const send = (path: string, session: Session, body?: unknown, method = 'POST') =>
  t.fetch(path, {
    method,
    headers: { ...session.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function createJob(session: Session, title: string): Promise<string> {
  const response = await send('/api/v1/jobs', session, { title, description: 'Node.js services.' });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

async function intake(session: Session, jobId: string, person: string, filename: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([`${person} ${tag}\n${person.toLowerCase()}.${tag}@example.test\nSkills\nNode.js\n`]), filename);
  const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates`, { method: 'POST', headers: session.headers, body: form });
  expect(response.status).toBe(202);
  const { id } = await json(response);
  await until(
    async () => (await json(await t.fetch(`/api/v1/candidates/${id}`, { headers: session.headers }))).status,
    (status) => status === 'scored',
  );
  return id;
}

const preview = async (at: Date, session = admin) => {
  const response = await t.fetch(`/api/v1/orgs/${session.user.org_id}/retention/preview?at=${encodeURIComponent(at.toISOString())}`, {
    headers: session.headers,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
};
const ids = (items: Array<{ candidate_id: string }>) => items.map((item) => item.candidate_id).sort();
const after = (days: number) => new Date(start.getTime() + days * DAY_MS + 60_000);

beforeAll(async () => {
  t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  admin = await register(t, { role: 'recruiter', orgName: `Keeper ${tag}` });
  rival = await register(t, { role: 'recruiter', orgName: `Hoarder ${tag}` });
  candidate = await register(t, { role: 'candidate' });
  jobs.closing = await createJob(admin, 'Closing soon');
  jobs.open = await createJob(admin, 'Always open');
  jobs.rival = await createJob(rival, 'Closed elsewhere');
  c.closed1 = await intake(admin, jobs.closing, 'Ada', filenames.closed1);
  c.closed2 = await intake(admin, jobs.closing, 'Bea', filenames.closed2);
  c.rejected = await intake(admin, jobs.open, 'Cyd', filenames.rejected);
  c.kept = await intake(admin, jobs.open, 'Dov', filenames.kept);
  c.rival = await intake(rival, jobs.rival, 'Eve', `rival-${tag}.txt`);
  const hook = await send('/api/v1/webhooks', admin, { url: 'http://127.0.0.1:9/retention', events: ['retention.due'] });
  expect(hook.status, await hook.clone().text()).toBe(201);
});
afterAll(async () => t?.close());

describe('retention settings', () => {
  it('are off by default, changed by org admins only, validated, audited', async () => {
    const path = `/api/v1/orgs/${admin.user.org_id}/retention`;
    expect(await json(await send(path, admin, undefined, 'GET'))).toEqual({ candidate_retention_days: null, rejected_retention_days: null, notice_days: 14 });
    expect((await preview(new Date(Date.now() + 3650 * DAY_MS))).due).toEqual([]);
    expect((await send(path, rival, { candidate_retention_days: 1 }, 'PATCH')).status).toBe(404);
    expect((await send(path, candidate, { candidate_retention_days: 1 }, 'PATCH')).status).toBe(404);
    expect((await send(`${path}/preview`, rival, undefined, 'GET')).status).toBe(404);
    for (const bad of [{ candidate_retention_days: 0 }, { notice_days: -1 }, { candidate_retention_days: 'soon' }, {}]) {
      const response = await send(path, admin, bad, 'PATCH');
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    const changed = await send(path, admin, { candidate_retention_days: 30, rejected_retention_days: 10, notice_days: 7 }, 'PATCH');
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual({ candidate_retention_days: 30, rejected_retention_days: 10, notice_days: 7 });
    const audited = await t.runtime.db.selectFrom('audit_events').select('details').where('action', '=', 'retention.updated').execute();
    expect(audited).toHaveLength(1);
  });
});

describe('the daily retention run', () => {
  it('announces, then erases exactly what the preview lists, when it falls due', async () => {
    start = new Date();
    const closed = await json(await send(`/api/v1/jobs/${jobs.closing}`, admin, { status: 'closed' }, 'PATCH'));
    expect(closed.closed_at).not.toBeNull();
    expect((await send(`/api/v1/jobs/${jobs.rival}`, rival, { status: 'closed' }, 'PATCH')).status).toBe(200);
    const rejected = await send(`/api/v1/candidates/${c.rejected}`, admin, { rejected: true }, 'PATCH');
    expect(rejected.status).toBe(200);
    expect((await json(rejected)).rejected_at).not.toBeNull();

    // Day 5: nothing is due; the rejected candidate falls due within the 7-day notice.
    const day5 = await preview(after(5));
    expect(day5.due).toEqual([]);
    expect(ids(day5.upcoming)).toEqual([c.rejected]);
    expect(day5.upcoming[0]).toMatchObject({ rule: 'rejected', job_id: jobs.open });
    expect(await t.services.retention.run(after(5))).toEqual({ erased: 0, notified: 1 });
    const deliveries = await t.runtime.db.selectFrom('webhook_deliveries').select(['event', 'payload']).where('event', '=', 'retention.due').execute();
    expect(deliveries).toHaveLength(1);
    expect((deliveries[0]!.payload as { data: { candidates: Array<{ candidate_id: string }> } }).data.candidates.map((x) => x.candidate_id)).toEqual([
      c.rejected,
    ]);
    // Announced once.
    expect(await t.services.retention.run(after(6))).toEqual({ erased: 0, notified: 0 });
    expect((await send(`/api/v1/candidates/${c.rejected}`, admin, undefined, 'GET')).status).toBe(200);

    // Day 10: the rejected candidate is due, and only it.
    const day10 = await preview(after(10));
    expect(ids(day10.due)).toEqual([c.rejected]);
    expect((await t.services.retention.run(after(10))).erased).toBe(1);
    expect((await send(`/api/v1/candidates/${c.rejected}`, admin, undefined, 'GET')).status).toBe(404);
    expect((await send(`/api/v1/candidates/${c.kept}`, admin, undefined, 'GET')).status).toBe(200);

    // Day 30: the candidates of the closed job; the other organization, without a retention, keeps its own.
    const day29 = await preview(new Date(start.getTime() + 29 * DAY_MS));
    expect(day29.due).toEqual([]);
    const day30 = await preview(after(30));
    expect(ids(day30.due)).toEqual([c.closed1, c.closed2].sort());
    expect(day30.due.every((item: { rule: string }) => item.rule === 'job_closed')).toBe(true);
    const erasedBefore = new Set((await t.runtime.db.selectFrom('candidates').select('id').where('deleted_at', 'is not', null).execute()).map((row) => row.id));
    expect((await t.services.retention.run(after(30))).erased).toBe(2);
    const erasedNow = (await t.runtime.db.selectFrom('candidates').select('id').where('deleted_at', 'is not', null).execute())
      .map((row) => row.id)
      .filter((id) => !erasedBefore.has(id));
    expect(erasedNow.sort()).toEqual(ids(day30.due));
    expect((await preview(after(30))).due).toEqual([]);
    expect((await send(`/api/v1/candidates/${c.rival}`, rival, undefined, 'GET')).status).toBe(200);
    expect((await send(`/api/v1/candidates/${c.kept}`, admin, undefined, 'GET')).status).toBe(200);

    // Erased through the one erasure path: no row names their files or them; audited with the rule; chains verify.
    for (const name of [filenames.closed1, filenames.closed2, filenames.rejected, `Ada ${tag}`, `ada.${tag}@example.test`, `Cyd ${tag}`])
      expect(await rowsContaining(t, name), name).toEqual([]);
    expect(await rowsContaining(t, filenames.kept)).not.toEqual([]);
    const entries = await t.runtime.db
      .selectFrom('audit_events')
      .select(['resource_id', 'details'])
      .where('action', '=', 'candidate.erased')
      .where('resource_id', 'in', [c.closed1, c.closed2, c.rejected])
      .execute();
    expect(entries.map((entry) => entry.details).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { via: 'retention', rule: 'job_closed' },
      { via: 'retention', rule: 'job_closed' },
      { via: 'retention', rule: 'rejected' },
    ]);
    expect((await t.services.audit.verify()).filter((report) => !report.ok)).toEqual([]);
  });

  it('stops for a job that is reopened, which forgets the announcement (a later closing is announced afresh)', async () => {
    const job = await createJob(admin, 'Reopened');
    const id = await intake(admin, job, 'Fay', `reopened-${tag}.txt`);
    const closedAt = new Date();
    expect((await send(`/api/v1/jobs/${job}`, admin, { status: 'closed' }, 'PATCH')).status).toBe(200);
    const announceAt = new Date(closedAt.getTime() + 25 * DAY_MS);
    expect(ids((await preview(announceAt)).upcoming)).toContain(id);
    expect((await t.services.retention.run(announceAt)).notified).toBe(1);
    const notified = () => t.runtime.db.selectFrom('candidates').select('retention_notified_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect((await notified()).retention_notified_at).not.toBeNull();

    expect((await send(`/api/v1/jobs/${job}`, admin, { status: 'open' }, 'PATCH')).status).toBe(200);
    expect((await notified()).retention_notified_at).toBeNull();
    const later = new Date(closedAt.getTime() + 60 * DAY_MS);
    expect(ids((await preview(later)).due)).not.toContain(id);
    expect((await t.services.retention.run(later)).erased).toBe(0);
    expect((await send(`/api/v1/candidates/${id}`, admin, undefined, 'GET')).status).toBe(200);
  });

  it('is scheduled daily and documented in the OpenAPI spec', async () => {
    const { rows } = await (await import('kysely')).sql<{ cron: string }>`SELECT cron FROM pgboss.schedule WHERE name = 'retention.run'`.execute(t.runtime.db);
    expect(rows).toHaveLength(1);
    const spec = await json(await t.fetch('/openapi.json'));
    expect(spec.paths['/api/v1/orgs/{org_id}/retention/preview'].get.tags).toContain('personal data');
    expect(spec.paths['/api/v1/orgs/{org_id}/retention'].patch).toBeTruthy();
    expect(spec.paths['/api/v1/candidates/{id}'].patch).toBeTruthy();
    // null turns a retention off again.
    const off = await send(`/api/v1/orgs/${admin.user.org_id}/retention`, admin, { candidate_retention_days: null }, 'PATCH');
    expect(await json(off)).toEqual({ candidate_retention_days: null, rejected_retention_days: 10, notice_days: 7 });
  });
});
