import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { EICAR, makePdf } from '../helpers/documents.ts';

let t: TestApp;
let recruiter: Session;
let otherRecruiter: Session;
let candidate: Session;
let jobId: string;

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: 'Hiring Co' });
  otherRecruiter = await register(t, { role: 'recruiter', orgName: 'Rival Co' });
  candidate = await register(t, { role: 'candidate' });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Backend Engineer',
      description: 'Build Node.js services on Kubernetes with PostgreSQL and TypeScript.',
      skills: ['Node.js', 'Kubernetes', 'PostgreSQL'],
      nice_to_have_skills: ['React'],
      min_years: 4,
    }),
  });
  expect(job.status).toBe(201);
  jobId = (await json(job)).id;
});
afterAll(async () => t?.close());

const resume = (name: string, skills: string, years: string) =>
  `${name}\n${name.split(' ')[0]!.toLowerCase()}@example.test | +1 415 555 01${String(name.length).padStart(2, '0')}\n\nExperience\nEngineer, Example Corp ${years}\nWorked with ${skills}.\n\nSkills\n${skills}\n`;

function bulkForm(files: Array<{ name: string; bytes: Buffer }>): FormData {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([file.bytes]), file.name);
  return form;
}

function zipOf(entries: Array<{ name: string; bytes: Buffer }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.bytes, entry.name);
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function candidates(query = ''): Promise<any[]> {
  return (await json(await t.fetch(`/api/v1/jobs/${jobId}/candidates${query}`, { headers: recruiter.headers }))).items;
}

describe('jobs', () => {
  it('are scoped to the organization; candidates see open jobs of every organization', async () => {
    const mine = await json(await t.fetch('/api/v1/jobs', { headers: recruiter.headers }));
    expect(mine.items.map((j: { id: string }) => j.id)).toContain(jobId);
    const theirs = await json(await t.fetch('/api/v1/jobs', { headers: otherRecruiter.headers }));
    expect(theirs.items.map((j: { id: string }) => j.id)).not.toContain(jobId);
    expect((await t.fetch(`/api/v1/jobs/${jobId}`, { headers: otherRecruiter.headers })).status).toBe(404);
    const open = await json(await t.fetch('/api/v1/jobs', { headers: candidate.headers }));
    expect(open.items.map((j: { id: string }) => j.id)).toContain(jobId);
    expect(
      (
        await t.fetch('/api/v1/jobs', {
          method: 'POST',
          headers: { ...candidate.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'x', description: 'y' }),
        })
      ).status,
    ).toBe(403);
  });
});

describe('bulk intake, parsing and ranking', () => {
  it('takes resumes and ZIPs, reports each file, dedupes, blocks malware, and ranks the rest', async () => {
    const strong = Buffer.from(await makePdf(resume('Grace Hopper', 'Node.js, Kubernetes, PostgreSQL, React, TypeScript', 'Jan 2015 - Present').split('\n')));
    const medium = Buffer.from(resume('Alan Turing', 'Node.js, PostgreSQL', '2019 - 2022'));
    const weak = Buffer.from(resume('Edsger Dijkstra', 'Excel spreadsheets, Sales', '2021 - 2022'));
    const archive = await zipOf([
      { name: 'folder/alan.txt', bytes: medium },
      { name: 'edsger.txt', bytes: weak },
      { name: 'inner.zip', bytes: await zipOf([{ name: 'x.txt', bytes: Buffer.from('nested') }]) },
    ]);
    const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, {
      method: 'POST',
      headers: recruiter.headers,
      body: bulkForm([
        { name: 'grace.pdf', bytes: strong },
        { name: 'resumes.zip', bytes: archive },
        { name: 'alan-again.txt', bytes: medium },
        { name: 'virus.txt', bytes: Buffer.from(`Mallory\n${EICAR}\n`) },
        { name: 'program.exe', bytes: Buffer.from('MZ\x90\x00binary') },
      ]),
    });
    expect(response.status).toBe(200);
    const { results } = await json(response);
    const byName = Object.fromEntries(results.map((r: { filename: string }) => [r.filename, r]));
    expect(byName['grace.pdf'].candidate_id).toBeTruthy();
    expect(byName['alan.txt'].candidate_id).toBeTruthy();
    expect(byName['edsger.txt'].candidate_id).toBeTruthy();
    expect(byName['inner.zip'].error.code).toBe('zip_nested');
    expect(byName['alan-again.txt'].duplicate_of).toBe(byName['alan.txt'].candidate_id);
    expect(byName['program.exe'].error.code).toBe('unsupported_type');
    expect(byName['virus.txt'].candidate_id).toBeTruthy();

    await expect
      .poll(async () => (await candidates()).filter((c) => c.status === 'scored' || c.status === 'failed').length, { timeout: 30_000, interval: 250 })
      .toBe(4);
    const ranked = await candidates();
    expect(ranked.map((c) => c.name)).toEqual(['Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', null]);
    const grace = ranked[0];
    expect(grace).toMatchObject({ email: 'grace@example.test', status: 'scored' });
    expect(grace.skills).toEqual(expect.arrayContaining(['Node.js', 'Kubernetes', 'PostgreSQL']));
    expect(grace.score_breakdown.matched_skills).toEqual(['Node.js', 'Kubernetes', 'PostgreSQL']);
    expect(grace.score_breakdown.missing_skills).toEqual([]);
    const malware = ranked[3];
    expect(malware).toMatchObject({ status: 'failed', status_reason: 'file_infected' });
    expect((await t.fetch(`/api/v1/candidates/${malware.id}/file`, { headers: recruiter.headers })).status).toBe(423);

    const download = await t.fetch(`/api/v1/candidates/${grace.id}/file`, { headers: recruiter.headers });
    expect(Buffer.from(await download.arrayBuffer()).equals(strong)).toBe(true);

    expect((await candidates('?q=kubernetes')).map((c) => c.name)).toEqual(['Grace Hopper']);
    expect((await candidates('?skill=PostgreSQL')).map((c) => c.name)).toEqual(['Grace Hopper', 'Alan Turing']);
    expect((await candidates('?status=failed')).length).toBe(1);
  });

  it('refuses path traversal in archives and ZIP bombs without failing the other files', async () => {
    const traversal = await zipOf([{ name: 'ok.txt', bytes: Buffer.from(resume('Ada Byron', 'Node.js', '2020 - 2021')) }]);
    // yazl refuses unsafe names, so the entry name is rewritten in the archive bytes.
    const evil = Buffer.from(traversal.toString('latin1').replaceAll('ok.txt', '../x.t'), 'latin1');
    const bomb = await zipOf([{ name: 'zeros.txt', bytes: Buffer.alloc(60 * 1024 * 1024, 0x20) }]);
    const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, {
      method: 'POST',
      headers: recruiter.headers,
      body: bulkForm([
        { name: 'evil.zip', bytes: evil },
        { name: 'bomb.zip', bytes: bomb },
        { name: 'linus.txt', bytes: Buffer.from(resume('Linus Torvalds', 'C, Linux, Git', '1991 - 2020')) },
      ]),
    });
    const { results } = await json(response);
    const codes = results.map((r: { error?: { code: string } }) => r.error?.code ?? 'ok');
    expect(codes).toEqual(['zip_path_traversal', 'zip_bomb', 'ok']);
  });

  it('re-scores candidates when the job changes', async () => {
    const before = (await candidates()).find((c) => c.name === 'Edsger Dijkstra');
    await t.fetch(`/api/v1/jobs/${jobId}`, {
      method: 'PATCH',
      headers: { ...recruiter.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ skills: ['Sales', 'Excel'] }),
    });
    await expect.poll(async () => (await candidates()).find((c) => c.name === 'Edsger Dijkstra')?.score, { timeout: 20_000 }).toBeGreaterThan(before.score);
  });
});

describe('applications', () => {
  it('shares a candidate’s own clean resume with the job’s organization until withdrawn', async () => {
    const upload = await json(
      await uploadStreamed(t, candidate, {
        bytes: Buffer.from(resume('Katherine Johnson', 'Node.js, Kubernetes', '2016 - 2024')),
        filename: 'kj.txt',
        category: 'resume',
      }),
    );
    expect((await waitForScan(t, candidate, upload.id)).status).toBe('clean');
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { headers: recruiter.headers })).status).toBe(404);

    const applied = await t.fetch(`/api/v1/jobs/${jobId}/applications`, {
      method: 'POST',
      headers: { ...candidate.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ resume_file_id: upload.id }),
    });
    expect(applied.status).toBe(201);
    const application = await json(applied);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { headers: recruiter.headers })).status).toBe(200);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { headers: otherRecruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { method: 'DELETE', headers: recruiter.headers })).status).toBe(403);
    await expect.poll(async () => (await candidates()).find((c) => c.id === application.candidate_id)?.status, { timeout: 20_000 }).toBe('scored');
    const mine = await json(await t.fetch('/api/v1/applications', { headers: candidate.headers }));
    expect(mine.items.map((a: { id: string }) => a.id)).toEqual([application.id]);

    expect((await t.fetch(`/api/v1/applications/${application.id}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { headers: recruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/candidates/${application.candidate_id}`, { headers: recruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/files/${upload.id}`, { headers: candidate.headers })).status).toBe(200);
  });

  it('ends the download URLs of a shared resume with the application, or with the file, and keeps them short on S3', async () => {
    const local = t.runtime.store.driver === 'local';
    const shareFile = async (name: string) => {
      const upload = await json(
        await uploadStreamed(t, candidate, { bytes: Buffer.from(resume(name, 'Node.js', '2018 - 2024')), filename: 'cv.txt', category: 'resume' }),
      );
      expect((await waitForScan(t, candidate, upload.id)).status).toBe('clean');
      const applied = await t.fetch(`/api/v1/jobs/${jobId}/applications`, {
        method: 'POST',
        headers: { ...candidate.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ resume_file_id: upload.id }),
      });
      expect(applied.status).toBe(201);
      return { fileId: upload.id as string, application: await json(applied) };
    };
    const downloadUrl = async (session: Session, fileId: string) => {
      const before = Math.floor(Date.now() / 1000);
      const response = await t.fetch(`/api/v1/files/${fileId}/download`, { headers: session.headers });
      expect(response.status).toBe(200);
      const issued = await json(response);
      const after = Math.ceil(Date.now() / 1000);
      return { url: issued.url as string, lifetime: [Date.parse(issued.expires_at) / 1000 - after, Date.parse(issued.expires_at) / 1000 - before] };
    };
    const lifetimeOf = (issued: { url: string; lifetime: number[] }, seconds: number) => {
      // S3 signs the lifetime itself; the local URL carries its expiry time.
      if (!local) expect(new URL(issued.url).searchParams.get('X-Amz-Expires')).toBe(String(seconds));
      expect(issued.lifetime[0]).toBeLessThanOrEqual(seconds);
      expect(issued.lifetime[1]).toBeGreaterThanOrEqual(seconds);
    };

    const withdrawn = await shareFile('Dorothy Vaughan');
    const orgUrl = await downloadUrl(recruiter, withdrawn.fileId);
    lifetimeOf(orgUrl, 300);
    const ownUrl = await downloadUrl(candidate, withdrawn.fileId);
    lifetimeOf(ownUrl, 3600);
    expect((await fetch(orgUrl.url)).status).toBe(200);
    expect((await t.fetch(`/api/v1/applications/${withdrawn.application.id}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    expect((await t.fetch(`/api/v1/files/${withdrawn.fileId}`, { headers: recruiter.headers })).status).toBe(404);
    // The candidate's own URL is untouched by the withdrawal.
    expect((await fetch(ownUrl.url)).status).toBe(200);
    if (local) {
      const refused = await fetch(orgUrl.url);
      expect([refused.status, (await json(refused)).code]).toEqual([404, 'not_found']);
      const audit = await t.runtime.db
        .selectFrom('audit_events')
        .select(['action', 'outcome', 'actor_id'])
        .where('file_id', '=', withdrawn.fileId)
        .where('action', '=', 'file.download_url_refused')
        .execute();
      expect(audit).toEqual([{ action: 'file.download_url_refused', outcome: 'denied', actor_id: recruiter.user.id }]);
    }

    const deleted = await shareFile('Mary Jackson');
    const beforeDelete = await downloadUrl(recruiter, deleted.fileId);
    const ownBeforeDelete = await downloadUrl(candidate, deleted.fileId);
    expect((await fetch(beforeDelete.url)).status).toBe(200);
    expect((await t.fetch(`/api/v1/files/${deleted.fileId}`, { method: 'DELETE', headers: candidate.headers })).status).toBe(204);
    expect((await t.fetch(`/api/v1/files/${deleted.fileId}`, { headers: recruiter.headers })).status).toBe(404);
    if (local) {
      for (const url of [beforeDelete.url, ownBeforeDelete.url]) expect((await fetch(url)).status).toBe(404);
    }
  });

  it('deleting a recruiter-uploaded candidate erases its resume', async () => {
    const added = await t.fetch(`/api/v1/jobs/${jobId}/candidates`, {
      method: 'POST',
      headers: recruiter.headers,
      body: bulkForm([{ name: 'margaret.txt', bytes: Buffer.from(resume('Margaret Hamilton', 'Node.js', '2010 - 2020')) }]),
    });
    expect(added.status).toBe(202);
    const created = await json(added);
    expect((await t.fetch(`/api/v1/candidates/${created.id}`, { method: 'DELETE', headers: otherRecruiter.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/candidates/${created.id}`, { method: 'DELETE', headers: recruiter.headers })).status).toBe(204);
    const file = await t.runtime.db.selectFrom('files').select(['erased_at', 'filename']).where('id', '=', created.file_id).executeTakeFirstOrThrow();
    expect(file.erased_at).not.toBeNull();
    expect(file.filename).toBeNull();
  });
});
