import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';
import { lyingZip, makeDocx, zipOf, zipWithSymlink } from '../helpers/documents.ts';

/**
 * Hostile archives posted to the bulk intake: each bad entry is its own error result, the good
 * entries are taken, and no archive (lying sizes, corrupt headers, truncation) can end the
 * process — an unhandled 'error' event here would fail this run.
 */
let t: TestApp;
let recruiter: Session;
let jobId: string;

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: 'Archive Co' });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Platform Engineer', description: 'Go and Kubernetes.', skills: ['Go'] }),
  });
  jobId = (await json(job)).id;
});
afterAll(async () => t?.close());

const resume = (name: string) =>
  `${name}\n${name.split(' ')[0]!.toLowerCase()}@example.test\n\nExperience\nEngineer, Example Corp 2018 - 2022\n\nSkills\nGo, Kubernetes\n`;

type Result = { filename: string; candidate_id?: string; duplicate_of?: string; error?: { code: string } };
/** Every file gets an answer: a candidate, a duplicate of one, or an error with a code. */
const answered = (result: Result) => Boolean(result.candidate_id ?? result.duplicate_of ?? result.error?.code);

async function bulk(files: Array<{ name: string; bytes: Buffer }>): Promise<{ status: number; results: Result[] }> {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([file.bytes]), file.name);
  const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, { method: 'POST', headers: recruiter.headers, body: form });
  const body = await json(response);
  return { status: response.status, results: body.results ?? [] };
}

/** yazl refuses unsafe names, so a same-length placeholder is rewritten in the archive bytes. */
const renamed = (zip: Buffer, from: string, to: string) => Buffer.from(zip.toString('latin1').replaceAll(from, to), 'latin1');

describe('bulk intake of hostile archives', () => {
  it('reports a hostile entry on its own and takes the good resumes of the same archive', async () => {
    const archive = renamed(
      await zipOf([
        { name: 'ada.txt', bytes: resume('Ada Byron') },
        { name: 'grace.txt', bytes: resume('Grace Brewster') },
        { name: 'alan.txt', bytes: resume('Alan Mathison') },
        { name: 'XXXXXXXXXXXXXX', bytes: resume('Eve Hostile') },
      ]),
      'XXXXXXXXXXXXXX',
      '../../evil.pdf',
    );
    const { status, results } = await bulk([{ name: 'resumes.zip', bytes: archive }]);
    expect(status).toBe(200);
    expect(results).toHaveLength(4);
    expect(results.filter((r) => r.candidate_id)).toHaveLength(3);
    const hostile = results.find((r) => r.error)!;
    expect(hostile.error!.code).toBe('zip_path_traversal');
    expect(hostile.filename).not.toContain('/');
  });

  it('refuses symbolic-link entries instead of reading them as text', async () => {
    const archive = await zipWithSymlink('passwd.txt', '/etc/passwd', [{ name: 'ok.txt', bytes: resume('Linus Benedict') }]);
    const { results } = await bulk([{ name: 'links.zip', bytes: archive }]);
    expect(results.map((r) => r.error?.code ?? 'ok').sort()).toEqual(['ok', 'zip_symlink']);
  });

  it('survives entries that inflate to far more than they declare, request after request', async () => {
    // 20 MB of spaces that declare 1,000 bytes: yauzl's size check fails the inflating stream.
    const liar = await lyingZip([{ name: 'liar.txt', bytes: Buffer.alloc(20 * 1024 * 1024, 0x20) }], 1000);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const { status, results } = await bulk([
        { name: 'liar.zip', bytes: liar },
        { name: 'ok.txt', bytes: Buffer.from(resume(`Barbara Attempt${'i'.repeat(attempt)}`)) },
      ]);
      expect(status).toBe(200);
      expect(results[0]!.error?.code).toBeTruthy();
      expect(results[1], JSON.stringify(results)).toHaveProperty('candidate_id');
    }
    expect((await t.fetch('/healthz')).status).toBe(200);
  });

  it('answers every one of 200 corrupted archives and DOCX files with a result, and stays up', async () => {
    const zip = await zipOf([
      { name: 'a.txt', bytes: resume('Fuzz One') },
      { name: 'b.txt', bytes: resume('Fuzz Two') },
    ]);
    const docx = await makeDocx(resume('Fuzz Docx'));
    const variants: Buffer[] = [];
    for (let i = 0; i < 200; i += 1) {
      const base = Buffer.from(i % 2 ? zip : docx);
      const mutation = i % 4;
      if (mutation === 0)
        variants.push(base.subarray(0, randomInt(4, base.length))); // truncated
      else {
        // Flip bytes in the headers (sizes, CRCs, offsets, flags) or anywhere.
        const flips = 1 + randomInt(6);
        for (let f = 0; f < flips; f += 1) {
          const headers = [
            base.indexOf('PK\x03\x04', 0, 'latin1'),
            base.lastIndexOf('PK\x01\x02', undefined, 'latin1'),
            base.lastIndexOf('PK\x05\x06', undefined, 'latin1'),
          ];
          const anchor = headers[randomInt(headers.length)]!;
          const at = mutation === 3 ? randomInt(base.length) : Math.min(base.length - 1, Math.max(0, anchor) + 4 + randomInt(42));
          base[at] = randomInt(256);
        }
        variants.push(base);
      }
    }
    for (let batch = 0; batch < variants.length; batch += 20) {
      const files = variants.slice(batch, batch + 20).map((bytes, n) => ({ name: `fuzz-${batch + n}.${(batch + n) % 2 ? 'zip' : 'docx'}`, bytes }));
      const { status, results } = await bulk(files);
      expect(status).toBe(200);
      expect(results.length).toBeGreaterThanOrEqual(files.length);
      for (const result of results) expect(answered(result), JSON.stringify(result)).toBe(true);
    }
    expect((await t.fetch('/healthz')).status).toBe(200);
  });
});
