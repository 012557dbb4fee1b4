import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServe, type ServeChild } from '../helpers/serve-child.ts';

/**
 * `npm start` runs the JavaScript compiled into dist/ (bin/vitae.js), not the sources the other
 * suites import. Through it: a real upload and its download, the resume analyzer a worker loads on
 * the first resume (dist/ has its skills taxonomy), and the web app found from dist/ as from src/.
 */
let root: string;
let server: ServeChild;

beforeAll(async () => {
  expect(existsSync('web/dist/index.html'), 'the web app is built (npm install builds it)').toBe(true);
  root = await mkdtemp(path.join(tmpdir(), 'vitae-compiled-'));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as `postgres` when the tests run as root
  server = await startServe({
    NODE_ENV: 'production',
    VITAE_ALLOW_NO_ANTIVIRUS: 'true',
    OCR_ENABLED: 'false',
    VITAE_DATA_DIR: root,
    JWT_SECRET: randomBytes(32).toString('hex'),
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'),
  });
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await rm(root, { recursive: true, force: true });
});

it('runs the compiled server: uploads, downloads, parses a resume and serves the web app', async () => {
  expect(server.output()).not.toContain('running the TypeScript sources');
  const api = `${server.baseUrl}/api/v1`;

  const registered = await fetch(`${api}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'compiled@example.test', password: 'quiet lantern orbit 42', name: 'Compiled', role: 'recruiter', org_name: 'Compiled' }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  const headers = { authorization: `Bearer ${((await registered.json()) as { access_token: string }).access_token}` };

  const bytes = Buffer.from(`name,token\n${Array.from({ length: 20_000 }, (_, i) => `row${i},${randomBytes(16).toString('hex')}`).join('\n')}\n`);
  const form = new FormData();
  form.append('category', 'csv_import');
  form.append('file', new Blob([bytes], { type: 'text/csv' }), 'import.csv');
  const uploaded = await fetch(`${api}/files`, { method: 'POST', headers, body: form });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);
  const { id } = (await uploaded.json()) as { id: string };
  await until(async () => ((await (await fetch(`${api}/files/${id}`, { headers })).json()) as { status: string }).status === 'clean');
  const content = await fetch(`${api}/files/${id}/content`, { headers });
  expect(content.status).toBe(200);
  expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);
  // The server chose its port (PORT=0), so its PUBLIC_URL, and the signed URL's origin, are the default.
  const signed = new URL(((await (await fetch(`${api}/files/${id}/download`, { headers })).json()) as { url: string }).url);
  const blob = await fetch(`${server.baseUrl}${signed.pathname}${signed.search}`);
  expect(blob.status).toBe(200);
  expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);

  const job = (await (
    await fetch(`${api}/jobs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Backend Engineer', description: 'Node.js and PostgreSQL', skills: ['Node.js', 'PostgreSQL'] }),
    })
  ).json()) as { id: string };
  const resumes = new FormData();
  resumes.append('file', new Blob([Buffer.from('Ada Lovelace\nada@example.test\nSkills: Node.js, PostgreSQL\n2016 - 2024 Engineer\n')]), 'ada.txt');
  expect((await fetch(`${api}/jobs/${job.id}/candidates/bulk`, { method: 'POST', headers, body: resumes })).status).toBe(200);
  let candidate: { status: string; skills: string[] } | undefined;
  await until(async () => {
    candidate = ((await (await fetch(`${api}/jobs/${job.id}/candidates`, { headers })).json()) as { items: Array<{ status: string; skills: string[] }> })
      .items[0];
    return candidate?.status === 'scored' || candidate?.status === 'failed';
  });
  expect(candidate).toMatchObject({ status: 'scored', skills: expect.arrayContaining(['Node.js', 'PostgreSQL']) });

  const page = await fetch(`${server.baseUrl}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toBe(await readFile('web/dist/index.html', 'utf8'));
}, 180_000);

async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('not done within a minute');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
