import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

export interface Session {
  token: string;
  user: { id: string; email: string; role: string; org_id?: string | null };
  headers: Record<string, string>;
}

/** Registers a user through the API and returns its bearer token. */
export async function register(
  t: TestApp,
  options: { role: 'candidate' | 'recruiter'; orgName?: string; email?: string; name?: string; invitationToken?: string },
): Promise<Session> {
  const email = options.email ?? `${options.role}-${randomBytes(5).toString('hex')}@example.test`;
  const response = await t.fetch('/api/v1/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      password: 'correct horse battery staple',
      name: options.name ?? 'Test Person',
      role: options.role,
      ...(options.orgName ? { org_name: options.orgName } : {}),
      ...(options.invitationToken ? { invitation_token: options.invitationToken } : {}),
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const body = (await response.json()) as { user: Session['user']; access_token: string };
  const me = (await (await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${body.access_token}` } })).json()) as Session['user'];
  return { token: body.access_token, user: me, headers: { authorization: `Bearer ${body.access_token}` } };
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** `POST /files` as multipart with the category field first. */
export async function uploadStreamed(
  t: TestApp,
  session: Session,
  options: { bytes: Uint8Array; filename: string; category: string; type?: string },
): Promise<Response> {
  const form = new FormData();
  form.append('category', options.category);
  form.append('file', new Blob([Buffer.from(options.bytes)], { type: options.type ?? 'application/octet-stream' }), options.filename);
  return t.fetch('/api/v1/files', { method: 'POST', headers: session.headers, body: form });
}

/** Initiate, PUT to the signed URL, complete: the pre-signed path end to end. */
export async function uploadPresigned(
  t: TestApp,
  session: Session,
  options: { bytes: Uint8Array; filename: string; category: string; type: string },
): Promise<{ initiate: Response; put?: Response; complete?: Response; fileId?: string }> {
  const initiate = await t.fetch('/api/v1/files/upload/initiate', {
    method: 'POST',
    headers: { ...session.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: options.filename, content_type: options.type, size: options.bytes.length, category: options.category }),
  });
  if (initiate.status !== 201) return { initiate };
  const { file_id, upload } = (await initiate.clone().json()) as { file_id: string; upload: { url: string; method: string; headers: Record<string, string> } };
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: Buffer.from(options.bytes) });
  if (!put.ok) return { initiate, put, fileId: file_id };
  const complete = await t.fetch('/api/v1/files/upload/complete', {
    method: 'POST',
    headers: { ...session.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ file_id }),
  });
  return { initiate, put, complete, fileId: file_id };
}

/** Polls the file until its scan has ended (or the timeout passes) and returns its final state. */
export async function waitForScan(
  t: TestApp,
  session: Session,
  fileId: string,
  timeoutMs = 30_000,
): Promise<{ id: string; status: string; [key: string]: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = await json(await t.fetch(`/api/v1/files/${fileId}`, { headers: session.headers }));
    if (['clean', 'infected', 'rejected'].includes(file.status) || Date.now() > deadline) return file;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
