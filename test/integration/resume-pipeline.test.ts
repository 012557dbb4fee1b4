import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';
import { REAL_RESUMES_DIR } from '../helpers/real-resumes.ts';
import { pdfWithNul } from '../helpers/resume-fixtures.ts';

/**
 * Resumes through the whole pipeline (upload, scan, parse, score) on the real server: a real
 * scanned resume read by OCR in its own queue, a PDF whose text layer holds NUL bytes, and what a
 * recruiter sees of each skill (where it was found) and of a search by a broader skill.
 */
let t: TestApp;
let recruiter: Session;
let jobId: string;

beforeAll(async () => {
  t = await startTestApp();
  recruiter = await register(t, { role: 'recruiter', orgName: 'Pipeline Co' });
  const job = await t.fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { ...recruiter.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'ML Engineer', description: 'Python and Kubernetes.', skills: ['Python'] }),
  });
  jobId = (await json(job)).id;
});
afterAll(async () => t?.close());

async function intake(name: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await t.fetch(`/api/v1/jobs/${jobId}/candidates/bulk`, { method: 'POST', headers: recruiter.headers, body: form });
  const { results } = await json(response);
  expect(results[0].candidate_id, JSON.stringify(results)).toBeTruthy();
  return results[0].candidate_id;
}

async function settled(candidateId: string, timeout = 60_000): Promise<Record<string, any>> {
  let candidate: Record<string, any> = {};
  await expect
    .poll(
      async () => {
        candidate = await json(await t.fetch(`/api/v1/candidates/${candidateId}`, { headers: recruiter.headers }));
        return candidate.status;
      },
      { timeout, interval: 250 },
    )
    .toMatch(/^(scored|failed)$/);
  return candidate;
}

describe('resumes through the pipeline', () => {
  it('reads a scanned resume by OCR and says so', async () => {
    const scan = readFileSync(path.join(REAL_RESUMES_DIR, 'scan-aidan-beery', 'resume.pdf'));
    const candidate = await settled(await intake('scan.pdf', scan), 120_000);
    expect(candidate).toMatchObject({ status: 'scored', text_source: 'ocr', email: 'aidanb1049@gmail.com' });
  });

  it('parses a PDF whose text layer holds NUL bytes instead of failing it again and again', async () => {
    const candidate = await settled(await intake('nul.pdf', await pdfWithNul()));
    expect(candidate).toMatchObject({ status: 'scored', name: 'Ada Lovelace', text_source: 'text', phone: '+442079460958', phone_valid: true });
    expect(candidate.skills).toEqual(expect.arrayContaining(['Python', 'Kubernetes']));
  });

  it('shows where each skill was found, and finds a specific tool by its broader skill', async () => {
    const text =
      'Grace Brewster\ngrace@example.test\n\nExperience\nEngineer, Acme 2019 - 2022\nBuilt payment services with Spring Boot on Kubernetes.\n\nSkills\nPython, Zemax\n';
    const candidate = await settled(await intake('grace.txt', Buffer.from(text)));
    const evidence = Object.fromEntries(candidate.skill_evidence.map((e: { name: string }) => [e.name, e]));
    expect(evidence['Spring Boot']).toMatchObject({
      section: 'experience',
      evidence: 'Built payment services with Spring Boot on Kubernetes.',
      parent: 'Spring',
    });
    expect(evidence['Zemax']).toMatchObject({ section: 'skills', evidence: 'Python, Zemax' });
    expect(candidate.skills).not.toContain('Spring');
    expect(candidate.skill_parents).toContain('Spring');

    const bySkill = async (skill: string) =>
      (await json(await t.fetch(`/api/v1/jobs/${jobId}/candidates?skill=${encodeURIComponent(skill)}`, { headers: recruiter.headers }))).items.map(
        (c: { id: string }) => c.id,
      );
    expect(await bySkill('spring')).toContain(candidate.id);
    expect(await bySkill('Spring Boot')).toContain(candidate.id);
    // "%" and "_" are characters, not wildcards.
    expect(await bySkill('%')).toEqual([]);
    expect(await bySkill('Sp_ing')).toEqual([]);
  });
});
