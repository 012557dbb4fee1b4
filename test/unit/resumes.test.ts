import { createServer, type Server } from 'node:http';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureAccuracy } from '../../bench/resume-accuracy.ts';
import { extractText } from '../../src/resumes/extract.ts';
import { experienceYears } from '../../src/resumes/experience.ts';
import { parseResume } from '../../src/resumes/fields.ts';
import { LlmScorer, redactContactDetails } from '../../src/resumes/llm-scorer.ts';
import { LocalScorer } from '../../src/resumes/local-scorer.ts';
import { matchSkills } from '../../src/resumes/skills.ts';
import { makeDocx, PNG_1X1 } from '../helpers/documents.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('parsing', () => {
  it('meets the accuracy targets on the labeled set', async () => {
    const result = await measureAccuracy();
    expect(result.n).toBeGreaterThanOrEqual(30);
    expect(result.email).toBeGreaterThanOrEqual(0.98);
    expect(result.phone).toBeGreaterThanOrEqual(0.98);
    expect(result.name).toBeGreaterThanOrEqual(0.95);
    expect(result.skillsF1).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('says no_text for a scanned image and an empty DOCX, unreadable for garbage', async () => {
    const scanned = await PDFDocument.create();
    const page = scanned.addPage([595, 842]);
    page.drawImage(await scanned.embedPng(PNG_1X1), { x: 0, y: 0, width: 595, height: 842 });
    expect(await extractText(Buffer.from(await scanned.save()), 'application/pdf')).toEqual({ ok: false, reason: 'no_text' });
    expect(await extractText(await makeDocx(''), DOCX)).toEqual({ ok: false, reason: 'no_text' });
    expect(await extractText(Buffer.from('%PDF-1.7 broken'), 'application/pdf')).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('maps synonyms to canonical skills and leaves ordinary words alone', () => {
    expect(matchSkills('JS, k8s, Postgres, golang and C# on .NET; Node.js')).toEqual(['.NET', 'C#', 'Go', 'JavaScript', 'Kubernetes', 'Node.js', 'PostgreSQL']);
    expect(matchSkills('I like to go to the park and rest; a node in a graph')).toEqual([]);
    expect(matchSkills('Skills: Python, R, Go')).toEqual(expect.arrayContaining(['Go', 'Python', 'R']));
  });

  it('counts overlapping jobs once, ignores education, and reads several date formats', () => {
    const now = new Date('2026-11-01');
    expect(experienceYears('Experience\nA  Jan 2019 - Mar 2022\nB  2020 - 2021\nEducation\nBSc 2010 - 2014', now)).toBe(3.2);
    expect(experienceYears('Experience\nA 03/2018 - present', now)).toBe(8.7);
    expect(experienceYears('Experience\nA Sept. 2015 to June 2018', now)).toBe(2.8);
    expect(experienceYears('No dates at all', now)).toBeNull();
  });

  it('finds the name in a header with contact details, and normalizes phones to E.164', () => {
    const fields = parseResume('José Álvarez-Núñez | jose@example.es | +34 612 34 56 78\ngithub.com/jalv\nwww.jose.dev');
    expect(fields).toMatchObject({ name: 'José Álvarez-Núñez', email: 'jose@example.es', phone: '+34612345678' });
    expect(fields.links).toMatchObject({ github: 'https://github.com/jalv', website: 'https://www.jose.dev' });
  });
});

describe('scoring', () => {
  const job = { title: 'Backend Engineer', description: 'Node.js services on Kubernetes with PostgreSQL', skills: { required: ['Node.js', 'Kubernetes', 'PostgreSQL'], nice: ['React'] }, minYears: 5 };
  const strongText = 'Experience\nEngineer 2015 - 2024\nNode.js services on Kubernetes with PostgreSQL, React front ends.';
  const weakText = 'Experience\nSales 2022 - 2023\nSold things with Excel spreadsheets.';
  const input = (text: string) => ({ resumeText: text, fields: parseResume(text, { now: new Date('2026-11-01') }), job, jobId: 'job-1' });

  it('is deterministic, explains itself, and ranks a matching resume first', async () => {
    const scorer = new LocalScorer();
    const strong = await scorer.score(input(strongText));
    expect(await scorer.score(input(strongText))).toEqual(strong);
    const weak = await scorer.score(input(weakText));
    expect(strong.score).toBeGreaterThan(weak.score);
    expect(strong.breakdown.matched_skills).toEqual(['Node.js', 'Kubernetes', 'PostgreSQL']);
    expect(weak.breakdown.missing_skills).toEqual(['Node.js', 'Kubernetes', 'PostgreSQL']);
    expect(strong.breakdown.parts.reduce((sum, part) => sum + part.points, 0)).toBeCloseTo(strong.score, 0);
  });

  describe('the LLM scorer against a fake OpenAI-compatible server', () => {
    let server: Server;
    let baseUrl: string;
    const requests: string[] = [];
    let behaviour: 'good' | 'garbage' | 'error' | 'slow' = 'good';
    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          requests.push(body);
          if (behaviour === 'error') return response.writeHead(500).end('{}');
          if (behaviour === 'slow') return setTimeout(() => response.writeHead(200).end('{}'), 1000);
          const content = behaviour === 'good' ? JSON.stringify({ score: 77, summary: 'Good fit', matched_skills: ['Node.js'], missing_skills: [] }) : 'not json';
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content } }] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    });
    afterAll(() => server.close());

    const resume = 'Ada Lovelace\nada@example.test | +44 20 7946 0958 | linkedin.com/in/ada\nExperience\nEngineer 2015 - 2024\nNode.js on Kubernetes';
    const scorer = (budget = 10) => new LlmScorer({ baseUrl, model: 'test-model', apiKey: 'k', timeoutMs: 300, maxRetries: 1, budgetPerJob: budget }, new LocalScorer());

    it('uses the model’s answer and never sends contact details', async () => {
      behaviour = 'good';
      requests.length = 0;
      const result = await scorer().score(input(resume));
      expect(result).toMatchObject({ score: 77, scorer: 'llm:test-model' });
      const sent = requests.join('\n');
      for (const secret of ['ada@example.test', '7946', 'linkedin.com/in/ada', 'Lovelace']) expect(sent).not.toContain(secret);
      expect(JSON.parse(requests[0]!).response_format.type).toBe('json_schema');
    });

    it.each(['garbage', 'error', 'slow'] as const)('falls back to the local scorer when the model answers %s', async (mode) => {
      behaviour = mode;
      const result = await scorer().score(input(resume));
      expect(result.scorer).toBe('local');
    });

    it('stops calling once the job’s budget is spent', async () => {
      behaviour = 'good';
      const limited = scorer(1);
      requests.length = 0;
      expect((await limited.score(input(resume))).scorer).toBe('llm:test-model');
      expect((await limited.score(input(resume))).scorer).toBe('local');
      expect(requests).toHaveLength(1);
    });

    it('redacts emails, phones, links and the name', () => {
      expect(redactContactDetails('Ada Lovelace, ada@x.io, +44 20 7946 0958, github.com/ada, 2015 - 2024', 'Ada Lovelace')).toBe('[name], [email], [phone], [link], 2015 - 2024');
    });
  });
});
