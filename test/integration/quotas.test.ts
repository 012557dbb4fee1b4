import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadPresigned, uploadStreamed, type Session } from '../helpers/api.ts';

/**
 * Quotas through the real server: small limits so that a few uploads reach them. Every refusal is a
 * problem document with the figures, and leaves no row and no blob behind.
 */
let t: TestApp;

const CANDIDATE_BYTES = 20_000;
const CANDIDATE_UPLOADS = 4;
const ORG_BYTES = 30_000;

beforeAll(async () => {
  t = await startTestApp({
    env: {
      QUOTA_CANDIDATE_BYTES: String(CANDIDATE_BYTES),
      QUOTA_CANDIDATE_UPLOADS_PER_HOUR: String(CANDIDATE_UPLOADS),
      QUOTA_ORG_BYTES: String(ORG_BYTES),
      QUOTA_ORG_UPLOADS_PER_HOUR: '0',
      // Read an organization's own quotas at every upload: the test changes them from another process.
      QUOTA_CACHE_MS: '0',
    },
  });
});
afterAll(async () => t?.close());

/** A plain-text resume of exactly `size` bytes (distinct per `seed`, so that no two are duplicates). */
const textResume = (size: number, seed: string) => Buffer.from(`Resume ${seed}\nSkills: Node.js, PostgreSQL\n`.padEnd(size, 'x'));

async function rowCount(): Promise<number> {
  const row = await t.runtime.db
    .selectFrom('file_versions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function blobCount(): Promise<number> {
  let n = 0;
  for await (const _ of t.runtime.store.list('')) n += 1;
  return n;
}

const usage = async (session: Session, path = '/api/v1/me/usage') => {
  const response = await t.fetch(path, { headers: session.headers });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
};

const initiate = (session: Session, size: number) =>
  t.fetch('/api/v1/files/upload/initiate', {
    method: 'POST',
    headers: { ...session.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'cv.txt', content_type: 'text/plain', size, category: 'resume' }),
  });

describe('candidate quotas', () => {
  it('counts stored bytes and uploads, and refuses past them with 413/429 and the figures, storing nothing', async () => {
    const candidate = await register(t, { role: 'candidate' });
    expect(await usage(candidate)).toEqual({
      scope: 'candidate',
      storage: { used_bytes: 0, current_bytes: 0, files: 0, versions: 0, limit_bytes: CANDIDATE_BYTES },
      uploads: { used: 0, limit_per_hour: CANDIDATE_UPLOADS, resets_at: null },
    });

    // 1st upload (streamed): 6,000 bytes.
    const first = await uploadStreamed(t, candidate, { bytes: textResume(6000, 'one'), filename: 'one.txt', category: 'resume', type: 'text/plain' });
    expect(first.status, await first.clone().text()).toBe(201);
    const afterFirst = await usage(candidate);
    expect(afterFirst.storage).toMatchObject({ used_bytes: 6000, current_bytes: 6000, files: 1, versions: 1 });
    expect(afterFirst.uploads.used).toBe(1);
    expect(Date.parse(afterFirst.uploads.resets_at)).toBeGreaterThan(Date.now() + 3500_000);

    // A pre-signed upload declaring more than is left: 413 before any URL is signed; nothing recorded, no upload counted.
    const [rowsBefore, blobsBefore] = [await rowCount(), await blobCount()];
    const tooBig = await initiate(candidate, 15_000);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(tooBig)).toMatchObject({
      code: 'storage_quota_exceeded',
      quota: 'storage',
      scope: 'candidate',
      limit: CANDIDATE_BYTES,
      used: 6000,
      requested: 15_000,
    });
    expect(await rowCount()).toBe(rowsBefore);
    expect((await usage(candidate)).uploads.used).toBe(1);

    // 2nd upload (pre-signed, 10,000 bytes): its declared size counts from `initiate` on.
    const presigned = await uploadPresigned(t, candidate, { bytes: textResume(10_000, 'two'), filename: 'two.txt', category: 'resume', type: 'text/plain' });
    expect(presigned.complete?.status).toBe(200);
    expect((await usage(candidate)).storage).toMatchObject({ used_bytes: 16_000, files: 2, versions: 2 });

    // 3rd (streamed, 6,000 bytes, 4,000 left): cut at the bytes left, nothing of it kept.
    const [rowsMid, blobsMid] = [await rowCount(), await blobCount()];
    const cut = await uploadStreamed(t, candidate, { bytes: textResume(6000, 'three'), filename: 'three.txt', category: 'resume', type: 'text/plain' });
    expect(cut.status).toBe(413);
    expect(await json(cut)).toMatchObject({ code: 'storage_quota_exceeded', limit: CANDIDATE_BYTES, used: 16_000 });
    expect(await rowCount()).toBe(rowsMid);
    expect(await blobCount()).toBe(blobsMid);
    expect(blobsMid).toBe(blobsBefore + 1);

    // 4th: fits (1,000 bytes); the hour's four uploads are then spent: 429 with Retry-After.
    const fourth = await uploadStreamed(t, candidate, { bytes: textResume(1000, 'four'), filename: 'four.txt', category: 'resume', type: 'text/plain' });
    expect(fourth.status).toBe(201);
    const fifth = await uploadStreamed(t, candidate, { bytes: textResume(1000, 'five'), filename: 'five.txt', category: 'resume', type: 'text/plain' });
    expect(fifth.status).toBe(429);
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(await json(fifth)).toMatchObject({
      code: 'upload_rate_exceeded',
      quota: 'uploads_per_hour',
      scope: 'candidate',
      limit: CANDIDATE_UPLOADS,
      used: CANDIDATE_UPLOADS,
    });
    const rateRefused = await initiate(candidate, 100);
    expect(rateRefused.status).toBe(429);
    expect(await json(rateRefused)).toMatchObject({ code: 'upload_rate_exceeded', used: CANDIDATE_UPLOADS });
    expect(await usage(candidate)).toMatchObject({ storage: { used_bytes: 17_000, files: 3 }, uploads: { used: CANDIDATE_UPLOADS } });

    // Another candidate has quotas of their own.
    const other = await register(t, { role: 'candidate' });
    expect((await initiate(other, 100)).status).toBe(201);
  });

  it('lets only one of two concurrent uploads take the last bytes', async () => {
    const candidate = await register(t, { role: 'candidate' });
    const answers = await Promise.all([initiate(candidate, 12_000), initiate(candidate, 12_000)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 413]);
    expect((await usage(candidate)).storage.used_bytes).toBe(12_000);
  });

  it('frees the bytes of a deleted file at once', async () => {
    const candidate = await register(t, { role: 'candidate' });
    const upload = await json(
      await uploadStreamed(t, candidate, { bytes: textResume(15_000, 'big'), filename: 'big.txt', category: 'resume', type: 'text/plain' }),
    );
    expect((await initiate(candidate, 10_000)).status).toBe(413);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    expect((await usage(candidate)).storage.used_bytes).toBe(0);
    expect((await initiate(candidate, 10_000)).status).toBe(201);
  });
});

describe('organization quotas', () => {
  it('counts every version of the organization’s files, shows them to members only, and applies to bulk intake', async () => {
    const admin = await register(t, { role: 'recruiter', orgName: 'Quota Co' });
    const rival = await register(t, { role: 'recruiter', orgName: 'Rival Co' });
    const candidate = await register(t, { role: 'candidate' });
    const orgId = admin.user.org_id!;
    const orgUsage = `/api/v1/orgs/${orgId}/usage`;
    expect(await usage(admin, orgUsage)).toEqual({
      scope: 'organization',
      storage: { used_bytes: 0, current_bytes: 0, files: 0, versions: 0, limit_bytes: ORG_BYTES },
      uploads: { used: null, limit_per_hour: null, resets_at: null },
    });
    expect(await usage(admin)).toMatchObject({ scope: 'organization', storage: { limit_bytes: ORG_BYTES } });
    // Another tenant, or a candidate: 404, as for an organization that does not exist.
    expect((await t.fetch(orgUsage, { headers: rival.headers })).status).toBe(404);
    expect((await t.fetch(orgUsage, { headers: candidate.headers })).status).toBe(404);
    expect((await t.fetch(orgUsage)).status).toBe(401);

    // A file and a second version of it: both versions count, the current one apart.
    const file = await json(await uploadStreamed(t, admin, { bytes: textResume(8000, 'v1'), filename: 'v1.txt', category: 'resume', type: 'text/plain' }));
    const form = new FormData();
    form.append('file', new Blob([textResume(5000, 'v2')], { type: 'text/plain' }), 'v2.txt');
    const version = await t.fetch(`/api/v1/files/${file.id}/versions`, { method: 'POST', headers: admin.headers, body: form });
    expect(version.status, await version.clone().text()).toBe(201);
    expect((await usage(admin, orgUsage)).storage).toMatchObject({ used_bytes: 13_000, files: 1, versions: 2 });
    // The current version is the newest clean one: the second, once its scan has passed. (While neither
    // version is clean the file also shows the second, the newest, then the first if its scan ends first.)
    await expect
      .poll(
        async () => {
          const { version: current, status } = await json(await t.fetch(`/api/v1/files/${file.id}`, { headers: admin.headers }));
          return `${current} ${status}`;
        },
        { timeout: 30_000 },
      )
      .toBe('2 clean');
    expect((await usage(admin, orgUsage)).storage.current_bytes).toBe(5000);

    // Bulk intake: each resume counts; the one that no longer fits gets the quota's error as its result.
    const job = await json(
      await t.fetch('/api/v1/jobs', {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Engineer', description: 'Node.js and PostgreSQL', skills: ['Node.js'] }),
      }),
    );
    const bulk = (parts: Array<{ name: string; bytes: Buffer }>) => {
      const body = new FormData();
      for (const part of parts) body.append('files', new Blob([part.bytes], { type: 'text/plain' }), part.name);
      return t.fetch(`/api/v1/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers: admin.headers, body });
    };
    const first = await bulk([
      { name: 'a.txt', bytes: textResume(7000, 'a') },
      { name: 'b.txt', bytes: textResume(7000, 'b') },
      { name: 'c.txt', bytes: textResume(7000, 'c') },
    ]);
    expect(first.status).toBe(200);
    const results = (await json(first)).results;
    expect(results.slice(0, 2).every((result: { candidate_id?: string }) => result.candidate_id)).toBe(true);
    expect(results[2]).toMatchObject({ filename: 'c.txt', error: { code: 'storage_quota_exceeded' } });
    expect((await usage(admin, orgUsage)).storage.used_bytes).toBe(27_000);

    // Nothing fits any more (3,000 left, but the operator lowers the organization's own limit): refused whole, before the body.
    const set = await runCli(t, ['quota', orgId, '--bytes', '27000', '--uploads-per-hour', '2']);
    expect(set).toMatchObject({ code: 0 });
    expect(set.out).toContain('Storage: 27000 bytes used of 27000');
    expect((await runCli(t, ['quota', orgId, '--bytes', 'lots'])).code).toBe(2);
    const full = await bulk([{ name: 'd.txt', bytes: textResume(100, 'd') }]);
    expect(full.status).toBe(413);
    expect(await json(full)).toMatchObject({ code: 'storage_quota_exceeded', scope: 'organization', limit: 27_000, used: 27_000 });
    expect(await usage(admin, orgUsage)).toMatchObject({ storage: { limit_bytes: 27_000 }, uploads: { used: 0, limit_per_hour: 2 } });

    // Back to the configured default (30,000): 3,000 bytes fit again.
    expect((await runCli(t, ['quota', orgId, '--bytes', 'default'])).code).toBe(0);
    expect((await usage(admin, orgUsage)).storage.limit_bytes).toBe(ORG_BYTES);

    // The rival organization is not affected.
    expect((await uploadStreamed(t, rival, { bytes: textResume(100, 'r'), filename: 'r.txt', category: 'resume', type: 'text/plain' })).status).toBe(201);
  });
});

describe('concurrency', () => {
  it('takes more concurrent streamed uploads under a quota than the pool has connections', async () => {
    // Each upload records itself in a transaction: nothing in it may wait for a second connection
    // (the pool has 6), or a burst of uploads would wait on each other until they time out.
    const admin = await register(t, { role: 'recruiter', orgName: 'Busy Co' });
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        uploadStreamed(t, admin, { bytes: textResume(500, `busy ${index}`), filename: `${index}.txt`, category: 'resume', type: 'text/plain' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(16).fill(201));
    expect((await usage(admin)).storage).toMatchObject({ used_bytes: 8000, files: 16 });
  });
});

describe('OpenAPI', () => {
  it('documents the usage routes and the quota refusals with their figures', async () => {
    const spec = await json(await t.fetch('/openapi.json'));
    expect(spec.paths['/api/v1/orgs/{org_id}/usage'].get.responses['200']).toBeDefined();
    expect(spec.paths['/api/v1/me/usage'].get.responses['200']).toBeDefined();
    for (const [path, status] of [
      ['/api/v1/files/upload/initiate', '413'],
      ['/api/v1/files/upload/initiate', '429'],
      ['/api/v1/files', '429'],
      ['/api/v1/jobs/{id}/candidates/bulk', '413'],
      ['/api/v1/jobs/{id}/candidates/bulk', '429'],
    ] as const) {
      const response = spec.paths[path].post.responses[status];
      expect(JSON.stringify(response), `${path} ${status}`).toMatch(/"limit".*"used"/);
    }
    expect(spec.paths['/api/v1/files/upload/initiate'].post.description).toContain('storage_quota_exceeded');
  });
});
