import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRetention } from '../../src/services/audit/retention.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';

const DAY_MS = 24 * 3600 * 1000;
let t: TestApp;
let admin: Session;

const createJob = async (title: string) => {
  const response = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title, description: 'Keeps the lights on.' }),
  });
  expect(response.status).toBe(201);
  return (await json(response)).id as string;
};

beforeAll(async () => {
  t = await startTestApp({ env: { AUDIT_RETENTION_DAYS: '30' } });
  admin = await register(t, { role: 'recruiter', orgName: 'Retained Ltd' });
});
afterAll(async () => t?.close());

describe('audit retention (AUDIT_RETENTION_DAYS)', () => {
  it('is scheduled daily', async () => {
    const { rows } = await sql<{ cron: string }>`SELECT cron FROM pgboss.schedule WHERE name = 'audit.purge'`.execute(t.runtime.db);
    expect(rows).toEqual([{ cron: '13 2 * * *' }]);
  });

  it('removes entries older than the retention from the start of each chain; every chain still verifies, and later appends too', async () => {
    const oldJob = await createJob('Before the cut-off');
    const before = await t.runtime.db.selectFrom('audit_events').select(['id', 'at']).execute();
    // Entries are stamped in whole milliseconds by the database's clock: step past the last one.
    const cut = new Date(Math.max(...before.map((row) => row.at.getTime())) + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newJob = await createJob('After the cut-off');

    // The daily run, as if it ran 30 days after `cut`: everything written before `cut` is due.
    const removed = await t.services.auditRetention.run(new Date(cut.getTime() + 30 * DAY_MS));
    expect(removed).toBe(before.length);

    const left = await t.runtime.db.selectFrom('audit_events').select(['id', 'action', 'resource_id', 'details']).execute();
    expect(left.map((row) => row.id)).not.toEqual(expect.arrayContaining([before[0]!.id]));
    expect(left.some((row) => row.resource_id === oldJob)).toBe(false);
    expect(left.some((row) => row.action === 'job.created' && row.resource_id === newJob)).toBe(true);
    expect(left.find((row) => row.action === 'audit.purged')?.details).toEqual({ removed, before: cut.toISOString() });

    const verified = await t.services.audit.verify();
    expect(verified.length).toBeGreaterThan(0);
    expect(verified.filter((report) => !report.ok)).toEqual([]);
    await createJob('After the purge');
    expect((await t.services.audit.verify()).filter((report) => !report.ok)).toEqual([]);
    const org = await json(await t.fetch('/api/v1/audit/verify', { headers: admin.headers }));
    expect(org.ok).toBe(true);

    // The purge still leaves a chain whose tampering is seen: deleting a kept entry breaks it.
    const victim = await t.runtime.db.selectFrom('audit_events').select('id').where('resource_id', '=', newJob).executeTakeFirstOrThrow();
    await sql`DELETE FROM audit_events WHERE id = ${victim.id}`.execute(t.runtime.db);
    expect((await t.services.audit.verify()).filter((report) => !report.ok)).not.toEqual([]);
  });

  it('does nothing when the retention is not set: the trail is kept forever', async () => {
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_events`.execute(t.runtime.db)).rows[0]!.n);
    const entries = await count();
    const keepForever = new AuditRetention({ db: t.runtime.db, audit: t.services.audit, days: null });
    expect(await keepForever.run(new Date(Date.now() + 3650 * DAY_MS))).toBeNull();
    expect(await count()).toBe(entries);
  });
});
