import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, type Session } from '../helpers/api.ts';

// PATCH /files/{id}/scan-result: an external scanner reports its verdict with an API key that has
// scan:write. The workers do not run here, so uploaded files wait for exactly that report.
let t: TestApp;
let admin: Session;
let scanKey: Record<string, string>;
let readKey: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ workers: false, antivirus: false });
  admin = await register(t, { role: 'recruiter', orgName: 'Scanning Org' });
  const key = async (scopes: string[]) => {
    const response = await t.fetch('/api/v1/api-keys', {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: scopes.join(' '), scopes }),
    });
    return { 'x-api-key': (await json(response)).key as string };
  };
  scanKey = await key(['scan:write']);
  readKey = await key(['files:read']);
});
afterAll(async () => t?.close());

async function waiting(bytes: string, filename = 'cv.txt'): Promise<string> {
  const response = await uploadStreamed(t, admin, { bytes: Buffer.from(bytes), filename, category: 'resume' });
  expect(response.status, await response.clone().text()).toBe(201);
  const file = await json(response);
  expect(['uploaded', 'scanning']).toContain(file.status);
  return file.id as string;
}

const report = (fileId: string, headers: Record<string, string>, body: unknown) =>
  t.fetch(`/api/v1/files/${fileId}/scan-result`, { method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

const statusOf = async (fileId: string) => (await t.runtime.db.selectFrom('files').select('status').where('id', '=', fileId).executeTakeFirstOrThrow()).status;

describe('an external verdict', () => {
  it('infected: quarantines the file, records the signature and audits the report', async () => {
    const fileId = await waiting('Ada Lovelace\nAnalyst\n');
    const response = await report(fileId, scanKey, { result: 'infected', engine: 'ExternalAV 2.1', signature: 'Test.Signature' });
    expect(response.status, await response.clone().text()).toBe(200);
    const file = await json(response);
    expect(file).toMatchObject({ id: fileId, status: 'infected', scan: { signature: 'Test.Signature' } });
    const download = await t.fetch(`/api/v1/files/${fileId}/download`, { headers: admin.headers });
    expect([download.status, (await json(download)).code]).toEqual([423, 'file_quarantined']);
    const version = await t.runtime.db.selectFrom('file_versions').select(['quarantine_key']).where('file_id', '=', fileId).executeTakeFirstOrThrow();
    expect(version.quarantine_key).toMatch(/^quarantine\//);
    const log = await json(await t.fetch(`/api/v1/files/${fileId}/access-log`, { headers: admin.headers }));
    expect(log.items.find((entry: { action: string }) => entry.action === 'file.scanned')).toMatchObject({ outcome: 'allowed', actor_type: 'api_key' });
  });

  it('clean: the file becomes downloadable', async () => {
    const fileId = await waiting('Grace Hopper\nCompiler engineer\n');
    const response = await report(fileId, scanKey, { result: 'clean', engine: 'ExternalAV 2.1' });
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await json(response)).status).toBe('clean');
    expect((await t.fetch(`/api/v1/files/${fileId}/download`, { headers: admin.headers })).status).toBe(200);
  });

  it('clean does not overrule the built-in checks: a shell script called a resume is still rejected', async () => {
    const fileId = await waiting('#!/bin/sh\nrm -rf ~\n', 'resume.txt');
    const file = await json(await report(fileId, scanKey, { result: 'clean', engine: 'ExternalAV 2.1' }));
    expect(file).toMatchObject({ status: 'rejected', scan: { reason: 'executable' } });
  });

  it('is refused with 409 not_scanning once the file has its verdict, which stays', async () => {
    const fileId = await waiting('Katherine Johnson\nMathematician\n');
    expect((await report(fileId, scanKey, { result: 'clean', engine: 'ExternalAV' })).status).toBe(200);
    const again = await report(fileId, scanKey, { result: 'infected', engine: 'ExternalAV', signature: 'Late.Change' });
    expect([again.status, (await json(again)).code]).toEqual([409, 'not_scanning']);
    expect(await statusOf(fileId)).toBe('clean');
  });
});

describe('who may report', () => {
  it.each([
    ['an API key without scan:write', () => readKey],
    ['the organization’s admin (people do not report scan results)', () => admin.headers],
  ])('%s gets 403 and the file keeps waiting', async (_who, headers) => {
    const fileId = await waiting('Mary Jackson\nEngineer\n');
    const response = await report(fileId, headers(), { result: 'clean', engine: 'ExternalAV' });
    expect([response.status, (await json(response)).code]).toEqual([403, 'forbidden']);
    expect(['uploaded', 'scanning']).toContain(await statusOf(fileId));
  });

  it.each([
    ['an unknown result', { result: 'maybe', engine: 'ExternalAV' }],
    ['no engine', { result: 'clean' }],
    ['an empty engine', { result: 'clean', engine: '' }],
  ])('%s is a 400 validation problem and changes nothing', async (_what, body) => {
    const fileId = await waiting('Dorothy Vaughan\nProgrammer\n');
    const response = await report(fileId, scanKey, body);
    expect([response.status, (await json(response)).code]).toEqual([400, 'validation_failed']);
    expect(['uploaded', 'scanning']).toContain(await statusOf(fileId));
  });
});
