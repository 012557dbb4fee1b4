import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { makePdf } from '../helpers/documents.ts';

let t: TestApp;
let candidate: Session;
let recruiter: Session;

beforeAll(async () => {
  t = await startTestApp();
  candidate = await register(t, { role: 'candidate' });
  recruiter = await register(t, { role: 'recruiter', orgName: 'Acme Hiring' });
});
afterAll(async () => t?.close());

async function cleanFile(session: Session, text = 'Grace Hopper\nCOBOL, compilers\n'): Promise<{ id: string; bytes: Buffer }> {
  const bytes = Buffer.from(text);
  const file = await json(await uploadStreamed(t, session, { bytes, filename: 'cv.txt', category: 'resume' }));
  expect((await waitForScan(t, session, file.id)).status).toBe('clean');
  return { id: file.id, bytes };
}

describe('downloads', () => {
  it('issues a pre-signed URL that downloads the file under its name', async () => {
    const { id, bytes } = await cleanFile(candidate);
    const { url, expires_at } = await json(await t.fetch(`/api/v1/files/${id}/download`, { headers: candidate.headers }));
    expect(new Date(expires_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it.runIf(process.env.VITAE_TEST_STORAGE !== 's3')('refuses tampered and expired local URLs with 403', async () => {
    const { id } = await cleanFile(candidate);
    const { url } = await json(await t.fetch(`/api/v1/files/${id}/download`, { headers: candidate.headers }));
    const tampered = new URL(url);
    tampered.searchParams.set('signature', '0'.repeat(64));
    expect((await fetch(tampered)).status).toBe(403);
    const otherFile = new URL(url);
    otherFile.pathname = otherFile.pathname.replace(/\/1$/, '/2');
    expect((await fetch(otherFile)).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10));
    expect((await fetch(expired)).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('streams ranges, answers 304 to a matching ETag, 416 past the end, and supports HEAD', async () => {
    const { id, bytes } = await cleanFile(candidate, 'abcdefghijklmnopqrstuvwxyz\n');
    const path = `/api/v1/files/${id}/content`;
    const ranged = await t.fetch(path, { headers: { ...candidate.headers, range: 'bytes=2-5' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('cdef');
    expect(ranged.headers.get('content-range')).toBe(`bytes 2-5/${bytes.length}`);
    const suffix = await t.fetch(path, { headers: { ...candidate.headers, range: 'bytes=-3' } });
    expect(await suffix.text()).toBe('yz\n');
    const beyond = await t.fetch(path, { headers: { ...candidate.headers, range: `bytes=${bytes.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    const full = await t.fetch(path, { headers: candidate.headers });
    const etag = full.headers.get('etag')!;
    await full.arrayBuffer();
    const cached = await t.fetch(path, { headers: { ...candidate.headers, 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    const head = await t.fetch(path, { method: 'HEAD', headers: candidate.headers });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    // Answered on the raw response, yet with the headers of every reply.
    expect(head.headers.get('x-request-id')).toBeTruthy();
    expect(head.headers.get('x-frame-options')).toBe('DENY');
    expect(head.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers 423 while a file is not clean', async () => {
    const paused = await startTestApp({ workers: false });
    try {
      const session = await register(paused, { role: 'candidate' });
      const file = await json(await uploadStreamed(paused, session, { bytes: Buffer.from('Still scanning\n'), filename: 'cv.txt', category: 'resume' }));
      const download = await paused.fetch(`/api/v1/files/${file.id}/download`, { headers: session.headers });
      expect(download.status).toBe(423);
      expect((await json(download)).code).toBe('file_not_ready');
      expect((await paused.fetch(`/api/v1/files/${file.id}/content`, { headers: session.headers })).status).toBe(423);
    } finally {
      await paused.close();
    }
  });
});

describe('versions', () => {
  it('adds versions through either path; the file shows the newest clean one', async () => {
    const { id } = await cleanFile(candidate, 'Version one\n');
    const streamed = new FormData();
    streamed.append('file', new Blob(['Version two\n']), 'cv-v2.txt');
    const v2 = await t.fetch(`/api/v1/files/${id}/versions`, { method: 'POST', headers: candidate.headers, body: streamed });
    expect(v2.status).toBe(201);
    await waitForScan(t, candidate, id);
    await expect.poll(async () => (await json(await t.fetch(`/api/v1/files/${id}`, { headers: candidate.headers }))).version, { timeout: 20_000 }).toBe(2);

    const pdf = await makePdf(['Version three']);
    const initiated = await json(
      await t.fetch(`/api/v1/files/${id}/versions`, {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'cv-v3.pdf', content_type: 'application/pdf', size: pdf.length }),
      }),
    );
    expect(initiated.version).toBe(3);
    expect((await fetch(initiated.upload.url, { method: 'PUT', headers: initiated.upload.headers, body: pdf })).ok).toBe(true);
    const completed = await t.fetch('/api/v1/files/upload/complete', {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ file_id: id }),
    });
    expect(completed.status).toBe(200);
    await expect.poll(async () => (await json(await t.fetch(`/api/v1/files/${id}`, { headers: candidate.headers }))).version, { timeout: 20_000 }).toBe(3);

    const versions = await json(await t.fetch(`/api/v1/files/${id}/versions`, { headers: candidate.headers }));
    expect(versions.items.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'clean'],
      [2, 'clean'],
      [1, 'clean'],
    ]);
    const old = await t.fetch(`/api/v1/files/${id}/content?version=1`, { headers: candidate.headers });
    expect(await old.text()).toBe('Version one\n');
  });

  it('refuses a JSON body other than {filename, content_type, size}, and does not coerce one', async () => {
    const { id } = await cleanFile(candidate, 'Version one\n');
    for (const body of [
      { filename: 'cv.pdf', content_type: 'application/pdf', size: '12' },
      { filename: 'cv.pdf', size: 12 },
      { filename: 'cv.pdf', content_type: 'application/pdf\n', size: 12 },
      { filename: '', content_type: 'application/pdf', size: 12 },
    ]) {
      const refused = await t.fetch(`/api/v1/files/${id}/versions`, {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(refused.status).toBe(400);
      expect(await json(refused)).toMatchObject({ code: 'validation_failed', detail: 'Expected {filename, content_type, size} or a multipart upload.' });
    }
  });
});

describe('listing', () => {
  it('lists visible files newest first with a stable cursor', async () => {
    const session = await register(t, { role: 'candidate' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await json(await uploadStreamed(t, session, { bytes: Buffer.from(`resume ${i}\n`), filename: `r${i}.txt`, category: 'resume' }))).id);
    const first = await json(await t.fetch('/api/v1/files?limit=2', { headers: session.headers }));
    expect(first.items.map((f: { id: string }) => f.id)).toEqual([ids[4], ids[3]]);
    await uploadStreamed(t, session, { bytes: Buffer.from('newer\n'), filename: 'new.txt', category: 'resume' });
    const second = await json(await t.fetch(`/api/v1/files?limit=2&cursor=${first.next_cursor}`, { headers: session.headers }));
    expect(second.items.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);
    const third = await json(await t.fetch(`/api/v1/files?limit=2&cursor=${second.next_cursor}`, { headers: session.headers }));
    expect(third.items.map((f: { id: string }) => f.id)).toEqual([ids[0]]);
    expect(third.next_cursor).toBeNull();
    const others = await json(await t.fetch('/api/v1/files', { headers: candidate.headers }));
    expect(others.items.some((f: { id: string }) => ids.includes(f.id))).toBe(false);
    expect((await t.fetch('/api/v1/files?cursor=not-a-cursor', { headers: session.headers })).status).toBe(400);
  });

  it('pages through files uploaded at the same moment without skipping one: timestamps are whole milliseconds, as the cursor holds them', async () => {
    const session = await register(t, { role: 'candidate' });
    const uploads = await Promise.all(
      Array.from({ length: 8 }, (_, i) => uploadStreamed(t, session, { bytes: Buffer.from(`same moment ${i}\n`), filename: `m${i}.txt`, category: 'resume' })),
    );
    const ids = await Promise.all(uploads.map(async (response) => (await json(response)).id as string));

    // A timestamp with microseconds could not round-trip through the cursor (a JavaScript date).
    const precise = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM files WHERE id = ANY(${ids}::uuid[]) AND created_at <> date_trunc('milliseconds', created_at)`.execute(t.runtime.db);
    expect(precise.rows[0]!.n).toBe(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; next_cursor: string | null } = await json(
        await t.fetch(`/api/v1/files?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { headers: session.headers }),
      );
      seen.push(...page.items.map((f) => f.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.toSorted()).toEqual(ids.toSorted());
  });

  it('shows a recruiter the files of their organization', async () => {
    const file = await json(await uploadStreamed(t, recruiter, { bytes: Buffer.from('Org resume\n'), filename: 'org.txt', category: 'resume' }));
    expect(file.org_id).toBe(recruiter.user.org_id);
    const list = await json(await t.fetch('/api/v1/files?category=resume', { headers: recruiter.headers }));
    expect(list.items.map((f: { id: string }) => f.id)).toContain(file.id);
  });
});

describe('deletion', () => {
  it('soft delete hides at once and keeps the bytes; it is idempotent', async () => {
    const { id } = await cleanFile(candidate);
    const key = (await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', id).executeTakeFirstOrThrow()).storage_key;
    expect((await t.fetch(`/api/v1/files/${id}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    expect((await t.fetch(`/api/v1/files/${id}`, { headers: candidate.headers })).status).toBe(404);
    expect(await t.runtime.store.exists(key)).toBe(true);
    expect((await t.fetch(`/api/v1/files/${id}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
  });

  it('hard delete erases every version and scrubs the metadata; old URLs stop working', async () => {
    const { id } = await cleanFile(candidate);
    const form = new FormData();
    form.append('file', new Blob(['second version\n']), 'v2.txt');
    await t.fetch(`/api/v1/files/${id}/versions`, { method: 'POST', headers: candidate.headers, body: form });
    await expect.poll(async () => (await json(await t.fetch(`/api/v1/files/${id}`, { headers: candidate.headers }))).version, { timeout: 20_000 }).toBe(2);
    const { url } = await json(await t.fetch(`/api/v1/files/${id}/download`, { headers: candidate.headers }));
    const keys = (await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', id).execute()).map((v) => v.storage_key);

    expect((await t.fetch(`/api/v1/files/${id}?hard=true`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    for (const key of keys) expect(await t.runtime.store.exists(key)).toBe(false);
    const row = await t.runtime.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ filename: null, sha256: null, status: 'deleted' });
    expect(row.erased_at).not.toBeNull();
    const versions = await t.runtime.db.selectFrom('file_versions').select(['filename', 'sha256']).where('file_id', '=', id).execute();
    expect(versions.every((v) => v.filename === null && v.sha256 === null)).toBe(true);
    expect([403, 404]).toContain((await fetch(url)).status);
    expect((await t.fetch(`/api/v1/files/${id}?hard=true`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);

    const log = await json(await t.fetch(`/api/v1/files/${id}/access-log`, { headers: candidate.headers }));
    expect(log.items[0].action).toBe('file.erased');
  });

  it('the purge erases soft-deleted files after the grace period, and the reconciler removes orphan blobs', async () => {
    const { id } = await cleanFile(candidate);
    await t.fetch(`/api/v1/files/${id}`, { method: 'DELETE', headers: candidate.headers });
    const key = (await t.runtime.db.selectFrom('file_versions').select('storage_key').where('file_id', '=', id).executeTakeFirstOrThrow()).storage_key;
    const later = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    expect(await t.services.maintenance.purgeDeletedFiles(later)).toBeGreaterThanOrEqual(1);
    expect(await t.runtime.store.exists(key)).toBe(false);

    const orphan = 'org-00000000-0000-7000-8000-000000000000/resume/00000000-0000-7000-8000-000000000001/1';
    const { Readable } = await import('node:stream');
    await t.runtime.store.put(orphan, Readable.from([Buffer.from('left over by a crash')]));
    const removed = await t.services.maintenance.reconcileBlobs(new Date(Date.now() + 2 * 3600 * 1000));
    expect(removed).toContain(orphan);
    expect(await t.runtime.store.exists(orphan)).toBe(false);
    const live = await t.runtime.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select('storage_key')
      .where('files.erased_at', 'is', null)
      .where('file_versions.status', '=', 'clean')
      .execute();
    for (const { storage_key } of live) expect(await t.runtime.store.exists(storage_key)).toBe(true);
  });

  it('expires pre-signed uploads that were never completed', async () => {
    const initiated = await json(
      await t.fetch('/api/v1/files/upload/initiate', {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'never.txt', content_type: 'text/plain', size: 5, category: 'resume' }),
      }),
    );
    await fetch(initiated.upload.url, { method: 'PUT', headers: initiated.upload.headers, body: 'hello' });
    const expired = await t.services.maintenance.expirePendingUploads(new Date(Date.now() + 2 * 24 * 3600 * 1000));
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(await t.runtime.db.selectFrom('files').select('id').where('id', '=', initiated.file_id).executeTakeFirst()).toBeUndefined();
  });
});
