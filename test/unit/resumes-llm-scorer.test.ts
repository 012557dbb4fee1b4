import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseResume } from '../../src/resumes/fields.ts';
import { LlmScorer, type LlmSettings } from '../../src/resumes/llm-scorer.ts';
import { LocalScorer } from '../../src/resumes/local-scorer.ts';
import { redactContactDetails } from '../../src/resumes/redact.ts';
import type { CallBudget, ScoreInput } from '../../src/resumes/scorer.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

const RESUME = `José Álvarez-Núñez
Jose.Alvarez@example.es | +34 612 34 56 78 | linkedin.com/in/jose-alvarez | https://github.com/jalvarez
Experience
Backend Engineer, Cabify  Jan 2019 – present
Node.js services on Kubernetes with PostgreSQL. Colleagues call José "the pager whisperer".
Reference: Marta Ruiz, marta@example.es, 0034 699 123 456
Skills
Node.js, Kubernetes, PostgreSQL`;

const input = (budget?: CallBudget): ScoreInput => ({
  resumeText: RESUME,
  fields: parseResume(RESUME, { now: NOW }),
  job: {
    title: 'Backend Engineer',
    description: 'Node.js services on Kubernetes',
    skills: { required: ['Node.js', 'Kubernetes'], nice: ['React'] },
    minYears: 3,
  },
  ...(budget ? { budget } : {}),
});

/** A small OpenAI-compatible chat-completions server whose next answers the tests choose. */
type Reply = (request: IncomingMessage, response: ServerResponse) => void;
const completion = (content: string) =>
  JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
const answer =
  (content: unknown): Reply =>
  (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(completion(typeof content === 'string' ? content : JSON.stringify(content)));
  };
const status =
  (code: number): Reply =>
  (_, response) =>
    response.writeHead(code, { 'content-type': 'application/json' }).end('{"error":{"message":"busy"}}');
const GOOD = { score: 82, summary: 'Strong backend fit.', matched_skills: ['Node.js', 'Kubernetes'], missing_skills: [] };

describe('the LLM scorer against a fake OpenAI-compatible server', () => {
  let server: Server;
  let baseUrl: string;
  let replies: Reply[] = [];
  let requests: Array<{ url: string; authorization: string | undefined; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        requests.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
        (replies.shift() ?? status(500))(request, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    replies = [];
    requests = [];
  });

  const scorer = (settings: Partial<LlmSettings> = {}) =>
    new LlmScorer({ baseUrl, apiKey: 'sk-test', model: 'test-model', timeoutMs: 2_000, maxRetries: 2, backoffMs: 10, ...settings }, new LocalScorer());
  const local = () => new LocalScorer().score(input());

  it('uses a good answer, asking for structured JSON with the key and model', async () => {
    replies = [answer(GOOD)];
    const result = await scorer().score(input());
    expect(result).toMatchObject({
      score: 82,
      scorer: 'llm:test-model',
      breakdown: { matched_skills: ['Node.js', 'Kubernetes'], missing_skills: [], summary: 'Strong backend fit.', local_score: (await local()).score },
    });
    expect(result.breakdown.parts).toEqual([{ name: 'model', points: 82, max: 100, detail: 'Strong backend fit.' }]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/v1/chat/completions');
    expect(requests[0]!.authorization).toBe('Bearer sk-test');
    const body = JSON.parse(requests[0]!.body) as { model: string; response_format: { type: string; json_schema: { schema: { required: string[] } } } };
    expect(body.model).toBe('test-model');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.schema.required).toEqual(['score', 'summary', 'matched_skills', 'missing_skills']);
  });

  it('never sends the candidate’s contact details', async () => {
    replies = [answer(GOOD)];
    await scorer().score(input());
    const sent = requests[0]!.body;
    for (const secret of [
      'José',
      'Jose',
      'Álvarez',
      'Alvarez',
      'Núñez',
      'example.es',
      '612 34 56 78',
      '612345678',
      'linkedin.com',
      'github.com',
      'jalvarez',
      'marta@',
      '699 123 456',
    ]) {
      expect(sent).not.toContain(secret);
    }
    // What the model needs is still there.
    for (const kept of ['Node.js services on Kubernetes with PostgreSQL', 'Jan 2019 – present', 'Backend Engineer, Cabify']) expect(sent).toContain(kept);
  });

  it.each([
    ['not JSON at all', answer('Sure! The score is 80.')],
    ['JSON of the wrong shape', answer({ score: 'high', summary: 'ok' })],
    ['a score out of range', answer({ ...GOOD, score: 140 })],
    ['no choices', (_: IncomingMessage, response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}')],
    ['a 400', status(400)],
  ])('falls back to the local scorer on %s, without retrying', async (_, reply) => {
    replies = [reply];
    expect(await scorer().score(input())).toEqual(await local());
    expect(requests).toHaveLength(1);
  });

  it('retries 429 and 5xx with backoff, and uses an answer that comes in time', async () => {
    replies = [status(429), status(503), answer(GOOD)];
    expect((await scorer().score(input())).scorer).toBe('llm:test-model');
    expect(requests).toHaveLength(3);
  });

  it('falls back once the retries are spent', async () => {
    replies = [status(500), status(502), status(500), answer(GOOD)];
    expect(await scorer({ maxRetries: 2 }).score(input())).toEqual(await local());
    expect(requests).toHaveLength(3);
  });

  it('falls back on a timeout', async () => {
    replies = [(_, response) => setTimeout(() => response.writeHead(200).end(completion(JSON.stringify(GOOD))), 1_000)];
    const started = performance.now();
    expect(await scorer({ timeoutMs: 150 }).score(input())).toEqual(await local());
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('falls back when the server cannot be reached', async () => {
    const closed = new LlmScorer({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 500, maxRetries: 1, backoffMs: 5 }, new LocalScorer());
    expect(await closed.score(input())).toEqual(await local());
  });

  it('stops calling once the job’s budget is spent, and takes one call from it per request', async () => {
    let left = 2;
    let taken = 0;
    const budget: CallBudget = { take: async () => (taken += 1) > 0 && left-- > 0 };
    replies = [answer(GOOD), answer(GOOD), answer(GOOD)];
    const llm = scorer();
    expect((await llm.score(input(budget))).scorer).toBe('llm:test-model');
    expect((await llm.score(input(budget))).scorer).toBe('llm:test-model');
    expect(await llm.score(input(budget))).toEqual(await local());
    expect(taken).toBe(3);
    expect(requests).toHaveLength(2);
    expect(await llm.score(input({ take: async () => false }))).toEqual(await local());
    expect(requests).toHaveLength(2);
  });
});

describe('redaction', () => {
  it('removes emails, links, phone numbers however written, and every part of the name', () => {
    const text =
      'Łukasz Żółć\nlukasz@example.pl, +48 512 345 678, github.com/lzolc\nCall 512-345-678 or 0048 512 345 678. Lukasz Zolc led it; ŁUKASZ too.\nEngineer 2015 - 2020, 03/2016 - 05/2019';
    const redacted = redactContactDetails(text, { name: 'Łukasz Żółć', phone: '+48512345678' });
    expect(redacted).toBe(
      '[name]\n[email], [phone], [link]\nCall [phone] or [phone]. [name] [name] led it; [name] too.\nEngineer 2015 - 2020, 03/2016 - 05/2019',
    );
  });

  it('keeps skills that look like domains, and particles of names as words', () => {
    expect(redactContactDetails('Hannah van der Berg: Node.js, ASP.NET, Vue.js; van rental', { name: 'Hannah van der Berg', phone: null })).toBe(
      '[name]: Node.js, ASP.NET, Vue.js; van rental',
    );
  });
});
