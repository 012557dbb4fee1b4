import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';
import { fakeExecutable, makePdf } from '../helpers/documents.ts';

let t: TestApp;
let recruiter: Session;
let colleague: Session;
let apiKey: Record<string, string>;
let jobId: string;
let pdf: Uint8Array;

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: `Retry Co ${randomUUID()}` });
  const key = await t.fetch('/api/v1/api-keys', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'uploader', scopes: ['files:write', 'files:read'] }),
  });
  expect(key.status).toBe(201);
  apiKey = { 'x-api-key': (await json(key)).key };
  colleague = await register(t, { role: 'recruiter', orgName: `Other Co ${randomUUID()}` });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Backend Engineer', description: 'Node.js and PostgreSQL services.', skills: ['Node.js'] }),
  });
  expect(job.status).toBe(201);
  jobId = (await json(job)).id;
  pdf = await makePdf();
});
afterAll(async () => t?.close());

function fileForm(bytes: Uint8Array, filename = 'resume.pdf', field = 'file'): FormData {
  const form = new FormData();
  form.append('category', 'resume');
  form.append(field, new Blob([Buffer.from(bytes)], { type: 'application/pdf' }), filename);
  return form;
}

const upload = (headers: Record<string, string>, key: string, bytes: Uint8Array, filename?: string) =>
  t.fetch('/api/v1/files', { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: fileForm(bytes, filename) });

async function count(table: 'files' | 'candidates'): Promise<number> {
  const row = await t.runtime.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /files with Idempotency-Key', () => {
  it('answers a retry with the first response, hashing the file bytes and not the multipart boundary', async () => {
    const key = randomUUID();
    const first = await upload(recruiter.headers, key, pdf);
    expect(first.status).toBe(201);
    const created = await first.text();
    const files = await count('files');
    // FormData draws a new boundary for each request: the retry's body differs byte for byte.
    const retry = await upload(recruiter.headers, key, pdf);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.text()).toBe(created);
    expect(await count('files')).toBe(files);
  });

  it('refuses the key with another file (422) and creates nothing', async () => {
    const key = randomUUID();
    expect((await upload(recruiter.headers, key, pdf)).status).toBe(201);
    const files = await count('files');
    const other = await upload(recruiter.headers, key, await makePdf(['Someone else entirely']));
    expect(other.status).toBe(422);
    expect((await json(other)).code).toBe('idempotency_key_reused');
    const renamed = await upload(recruiter.headers, key, pdf, 'another-name.pdf');
    expect(renamed.status).toBe(422);
    expect(await count('files')).toBe(files);
  });

  it('keeps keys apart per caller: the same key from another user or an API key is a new request', async () => {
    const key = randomUUID();
    const mine = await json(await upload(recruiter.headers, key, pdf));
    const theirs = await upload(colleague.headers, key, pdf);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotency-replayed')).toBeNull();
    const byKey = await upload(apiKey, key, pdf);
    expect(byKey.status).toBe(201);
    const ids = new Set([mine.id, (await json(theirs)).id, (await json(byKey)).id]);
    expect(ids.size).toBe(3);
    // The API key's own retry is answered from its own record.
    const byKeyAgain = await upload(apiKey, key, pdf);
    expect(byKeyAgain.headers.get('idempotency-replayed')).toBe('true');
  });

  it('does not keep a failure: a retry after an error runs again', async () => {
    const key = randomUUID();
    const refused = await t.fetch('/api/v1/files', {
      method: 'POST',
      headers: { ...recruiter.headers, 'idempotency-key': key },
      body: fileForm(fakeExecutable(), 'resume.exe'),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const retry = await upload(recruiter.headers, key, pdf);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
  });

  it('answers 409 to a duplicate sent while the first request is still streaming', async () => {
    const key = randomUUID();
    const boundary = `----retry${randomUUID()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nresume\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(head);
        controller.enqueue(pdf.subarray(0, 100));
        await held;
        controller.enqueue(pdf.subarray(100));
        controller.enqueue(tail);
        controller.close();
      },
    });
    const first = t.fetch('/api/v1/files', {
      method: 'POST',
      headers: { ...recruiter.headers, 'idempotency-key': key, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    });
    // The first request has claimed its key once its record exists.
    for (;;) {
      const claimed = await t.runtime.db.selectFrom('idempotency_keys').select('key').where('key', '=', key).executeTakeFirst();
      if (claimed) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const duplicate = await upload(recruiter.headers, key, pdf);
    expect(duplicate.status).toBe(409);
    expect((await json(duplicate)).code).toBe('idempotency_in_progress');
    finish();
    const done = await first;
    expect(done.status).toBe(201);
    const retry = await upload(recruiter.headers, key, pdf, 'slow.pdf');
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await json(retry)).toEqual(await json(done));
  });

  it('rejects a malformed key', async () => {
    const response = await upload(recruiter.headers, 'has spaces in it', pdf);
    expect(response.status).toBe(400);
    expect((await json(response)).code).toBe('invalid_idempotency_key');
  });

  it('forgets a key after 24 hours: expired records are purged and the key runs anew', async () => {
    const key = randomUUID();
    const first = await json(await upload(recruiter.headers, key, pdf));
    await t.runtime.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('key', '=', key)
      .execute();
    expect(await t.services.idempotency.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await t.runtime.db.selectFrom('idempotency_keys').select('key').where('key', '=', key).executeTakeFirst()).toBeUndefined();
    const again = await upload(recruiter.headers, key, pdf);
    expect(again.status).toBe(201);
    expect((await json(again)).id).not.toBe(first.id);
  });
});

describe('POST /files/upload/initiate with Idempotency-Key', () => {
  const initiate = (key: string, body: Record<string, unknown>) =>
    t.fetch('/api/v1/files/upload/initiate', {
      method: 'POST',
      headers: { ...recruiter.headers, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  it('answers the same body (in any key order) with the first pending upload, another body with 422', async () => {
    const key = randomUUID();
    const first = await initiate(key, { filename: 'cv.pdf', content_type: 'application/pdf', size: pdf.length, category: 'resume' });
    expect(first.status).toBe(201);
    const created = await json(first);
    const retry = await initiate(key, { category: 'resume', size: pdf.length, content_type: 'application/pdf', filename: 'cv.pdf' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect((await json(retry)).file_id).toBe(created.file_id);
    const bigger = await initiate(key, { filename: 'cv.pdf', content_type: 'application/pdf', size: pdf.length + 1, category: 'resume' });
    expect(bigger.status).toBe(422);
    expect((await json(bigger)).code).toBe('idempotency_key_reused');
  });
});

describe('candidate intake with Idempotency-Key', () => {
  const resume = (text: string) => Buffer.from(`${text}\nada@example.test\n\nExperience\nEngineer, Example Corp 2015 - 2024\nWorked with Node.js.\n`);

  it('adds one candidate for a retried single upload', async () => {
    const key = randomUUID();
    const send = (bytes: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), 'ada.txt');
      return t.fetch(`/api/v1/jobs/${jobId}/candidates`, { method: 'POST', headers: { ...recruiter.headers, 'idempotency-key': key }, body: form });
    };
    const first = await send(resume('Ada Lovelace'));
    expect(first.status).toBe(202);
    const created = await first.text();
    const candidates = await count('candidates');
    const retry = await send(resume('Ada Lovelace'));
    expect(retry.status).toBe(202);
    expect(await retry.text()).toBe(created);
    expect(await count('candidates')).toBe(candidates);
    expect((await send(resume('Grace Hopper'))).status).toBe(422);
  });

  it('answers a retried bulk request with its first results, and a different batch under the key with 422', async () => {
    const key = randomUUID();
    const send = (names: string[]) => {
      const form = new FormData();
      for (const name of names) form.append('file', new Blob([resume(name)]), `${name}.txt`);
      return t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, { method: 'POST', headers: { ...recruiter.headers, 'idempotency-key': key }, body: form });
    };
    const first = await send(['Alan Turing', 'Edsger Dijkstra']);
    expect(first.status).toBe(200);
    const results = await first.text();
    const candidates = await count('candidates');
    const retry = await send(['Alan Turing', 'Edsger Dijkstra']);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.text()).toBe(results);
    expect(await count('candidates')).toBe(candidates);
    const different = await send(['Alan Turing', 'Barbara Liskov']);
    expect(different.status).toBe(422);
    expect(await count('candidates')).toBe(candidates);
  });
});

it('documents the header on the four routes', async () => {
  const spec = await json(await t.fetch('/openapi.json'));
  const routes: Array<[string, string]> = [
    ['/api/v1/files', 'post'],
    ['/api/v1/files/upload/initiate', 'post'],
    ['/api/v1/jobs/{id}/candidates', 'post'],
    ['/api/v1/jobs/{id}/candidates/bulk', 'post'],
  ];
  for (const [route, method] of routes) {
    const parameters = spec.paths[route][method].parameters as Array<{ in: string; name: string }>;
    expect(parameters, route).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
  }
});
