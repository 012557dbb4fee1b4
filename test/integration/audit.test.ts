import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestApp, type TestApp } from '../helpers/app.ts';
import { SYSTEM_CONTEXT } from '../../src/services/audit/audit-log.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';

let t: TestApp;
let admin: Session;
let member: Session;
let outsider: Session;

beforeAll(async () => {
  t = await startTestApp();
  admin = await register(t, { role: 'recruiter', orgName: 'Audited Inc' });
  outsider = await register(t, { role: 'recruiter', orgName: 'Elsewhere Ltd' });
  member = await register(t, { role: 'candidate' });
});
afterAll(async () => t?.close());

describe('audit trail', () => {
  it('records every access with actor, IP, user agent, request id and outcome', async () => {
    const upload = await uploadStreamed(t, admin, { bytes: Buffer.from('Audited resume\n'), filename: 'a.txt', category: 'resume' });
    const file = await json(upload);
    await waitForScan(t, admin, file.id);
    await t.fetch(`/api/v1/files/${file.id}/download`, { headers: { ...admin.headers, 'user-agent': 'audit-test/1.0' } });
    await (await t.fetch(`/api/v1/files/${file.id}/content`, { headers: admin.headers })).arrayBuffer();
    // Another tenant's attempt is refused (404) and recorded as denied in this organization's trail.
    expect((await t.fetch(`/api/v1/files/${file.id}/content`, { headers: outsider.headers })).status).toBe(404);

    const log = await json(await t.fetch(`/api/v1/audit?file_id=${file.id}`, { headers: admin.headers }));
    const actions = log.items.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'file.uploaded:allowed',
        'file.scanned:allowed',
        'file.metadata_read:allowed',
        'file.download_url_issued:allowed',
        'file.content_read:allowed',
        'file.content_read:denied',
      ]),
    );
    const issued = log.items.find((e: { action: string }) => e.action === 'file.download_url_issued');
    expect(issued).toMatchObject({ actor_id: admin.user.id, actor_type: 'user', user_agent: 'audit-test/1.0', ip: '127.0.0.1', org_id: admin.user.org_id });
    expect(issued.request_id).toBeTruthy();
    const denied = log.items.find((e: { outcome: string }) => e.outcome === 'denied');
    expect(denied.actor_id).toBe(outsider.user.id);

    const filtered = await json(await t.fetch(`/api/v1/audit?action=file.content_read&actor_id=${admin.user.id}`, { headers: admin.headers }));
    expect(filtered.items.every((e: { action: string; actor_id: string }) => e.action === 'file.content_read' && e.actor_id === admin.user.id)).toBe(true);

    const accessLog = await json(await t.fetch(`/api/v1/files/${file.id}/access-log`, { headers: admin.headers }));
    expect(accessLog.items.length).toBeGreaterThanOrEqual(5);
  });

  it('is for org admins only', async () => {
    expect((await t.fetch('/api/v1/audit', { headers: member.headers })).status).toBe(403);
    const theirs = await json(await t.fetch('/api/v1/audit', { headers: outsider.headers }));
    expect(theirs.items.every((e: { org_id: string }) => e.org_id === outsider.user.org_id)).toBe(true);
  });

  it('keeps every chain whole under concurrent appends, and an append rolled back with its transaction leaves no trace', async () => {
    const file = await json(await uploadStreamed(t, admin, { bytes: Buffer.from('Read by many\n'), filename: 'c.txt', category: 'resume' }));
    // The scan appends entries of its own in the background: let it finish before entries are counted.
    await waitForScan(t, admin, file.id);
    const reads = await Promise.all(Array.from({ length: 60 }, () => t.fetch(`/api/v1/files/${file.id}`, { headers: admin.headers })));
    expect(reads.map((r) => r.status)).toEqual(Array(60).fill(200));

    const { audit } = t.services;
    const before = await audit.verifyOrganization(admin.user.org_id!);
    expect(before.filter((report) => !report.ok)).toEqual([]);
    const events = await t.runtime.db
      .selectFrom('audit_events')
      .select(['chain', 'seq', 'prev_hash', 'hash'])
      .where('org_id', '=', admin.user.org_id!)
      .orderBy('chain')
      .orderBy('seq')
      .execute();
    let links = 0;
    for (const [i, event] of events.entries()) {
      const previous = events[i - 1];
      if (previous?.chain === event.chain) {
        expect(Number(event.seq)).toBe(Number(previous.seq) + 1);
        expect(event.prev_hash).toBe(previous.hash);
        links += 1;
      }
    }
    // 60 reads over 8 lanes: most entries have a predecessor in their lane to be checked against.
    expect(links).toBeGreaterThan(50);

    const count = async () =>
      Number(
        (
          await t.runtime.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('org_id', '=', admin.user.org_id!)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const entries = await count();
    const rolledBack = t.runtime.db.transaction().execute(async (tx) => {
      await audit.append(tx, SYSTEM_CONTEXT, { action: 'test.rolled_back', orgId: admin.user.org_id! });
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    expect(await count()).toBe(entries);
    expect((await audit.verifyOrganization(admin.user.org_id!)).filter((report) => !report.ok)).toEqual([]);
  });

  it('`vitae audit verify` passes on an intact trail and names an edited or deleted entry', async () => {
    const verify = () => runCli(t, ['audit', 'verify']);
    const intact = await verify();
    expect(intact.code, intact.out).toBe(0);
    expect(intact.out).toMatch(/0 broken/);

    const victim = await t.runtime.db
      .selectFrom('audit_events')
      .select(['id', 'chain', 'seq', 'ip'])
      .where('org_id', '=', admin.user.org_id!)
      .orderBy('seq')
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`UPDATE audit_events SET ip = '10.6.6.6' WHERE id = ${victim.id}`.execute(t.runtime.db);
    const edited = await verify();
    expect(edited.code).toBe(1);
    expect(edited.out).toContain(victim.id);
    expect(edited.out).toMatch(/modified/);

    await sql`UPDATE audit_events SET ip = ${victim.ip} WHERE id = ${victim.id}`.execute(t.runtime.db);
    expect((await verify()).code).toBe(0);
    await sql`DELETE FROM audit_events WHERE id = ${victim.id}`.execute(t.runtime.db);
    const deleted = await verify();
    expect(deleted.code).toBe(1);
    expect(deleted.out).toContain(victim.chain);
    expect(deleted.out).toMatch(/missing|deleted/);
    // Four CLI processes, each starting Node and connecting: on a loaded machine that is minutes, not seconds.
  }, 300_000);
});
