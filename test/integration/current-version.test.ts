import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { refreshFileFromVersions } from '../../src/services/files/current-version.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed } from '../helpers/api.ts';

// Workers are off: the versions' scans are played by hand, in the one order that used to lose the
// newer version.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ workers: false });
});
afterAll(async () => t?.close());

/** Resolves once `count` sessions of this database wait for a row lock. */
async function lockWaiters(count: number): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await sql<{ waiting: number }>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.runtime.db)
        ).rows[0]!.waiting,
      { timeout: 10_000, interval: 20 },
    )
    .toBe(count);
}

it('keeps the newest clean version current when two versions’ scans finish together', async () => {
  const candidate = await register(t, { role: 'candidate' });
  const file = await json(await uploadStreamed(t, candidate, { bytes: Buffer.from('first version\n'), filename: 'cv.txt', category: 'resume' }));
  const form = new FormData();
  form.append('file', new Blob(['second version\n'], { type: 'text/plain' }), 'cv.txt');
  expect((await t.fetch(`/api/v1/files/${file.id}/versions`, { method: 'POST', headers: candidate.headers, body: form })).status).toBe(201);

  /** One scan's transaction, as the scan pipeline runs it: the version is clean, the file follows. */
  const scan = (version: number) =>
    t.runtime.db.transaction().execute(async (tx) => {
      await tx.updateTable('file_versions').set({ status: 'clean' }).where('file_id', '=', file.id).where('version', '=', version).execute();
      await refreshFileFromVersions(tx, file.id);
    });

  // A third transaction holds the file's row, so that both scans reach it before either commits.
  let releaseHolder!: () => void;
  const holder = t.runtime.db.transaction().execute(async (tx) => {
    await tx.selectFrom('files').select('id').where('id', '=', file.id).forUpdate().execute();
    await new Promise<void>((resolve) => (releaseHolder = resolve));
  });
  await expect.poll(() => typeof releaseHolder).toBe('function');

  // The second version's scan waits first, then the first version's: the lock goes to them in
  // that order, so the scan of the older version commits last.
  const second = scan(2);
  await lockWaiters(1);
  const first = scan(1);
  await lockWaiters(2);
  releaseHolder();
  await Promise.all([holder, second, first]);

  const current = await json(await t.fetch(`/api/v1/files/${file.id}`, { headers: candidate.headers }));
  expect(current).toMatchObject({ version: 2, latest_version: 2, status: 'clean' });
});
