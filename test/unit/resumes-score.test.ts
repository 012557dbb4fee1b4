import { describe, expect, it } from 'vitest';
import { bm25, corpusStats, tokenize } from '../../src/resumes/bm25.ts';
import { parseResume } from '../../src/resumes/fields.ts';
import { LocalScorer } from '../../src/resumes/local-scorer.ts';
import type { JobForScoring, ScoreInput } from '../../src/resumes/scorer.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
const scorer = new LocalScorer();

const job: JobForScoring = {
  title: 'Backend Engineer',
  description: 'Build Node.js services on Kubernetes with PostgreSQL. You will design APIs, run production systems and mentor engineers.',
  skills: { required: ['Node.js', 'k8s', 'Postgres'], nice: ['React', 'Terraform'] },
  minYears: 5,
};

const STRONG = `Ada Lovelace
ada@example.com
Experience
Senior Backend Engineer, Acme  Jan 2015 – present
Designed APIs and Node.js services on Kubernetes with PostgreSQL; production on-call; mentored engineers.
Skills
Node.js, Kubernetes, PostgreSQL, React`;

const WEAK = `Grace Hopper
grace@example.com
Experience
Sales Associate, Shop  2023 – 2024
Sold shoes; kept the stock list in Excel.
Skills
Excel, Negotiation`;

const input = (text: string, overrides: Partial<ScoreInput> = {}): ScoreInput => ({
  resumeText: text,
  fields: parseResume(text, { now: NOW }),
  job,
  ...overrides,
});

describe('BM25', () => {
  it('tokenizes in lower case, keeps skill symbols, drops stop words and plurals', () => {
    expect(tokenize('The Services, in C++ and C#, on Node.js. Libraries!')).toEqual(['service', 'c++', 'c#', 'node.js', 'library']);
  });

  it('scores 0–1, more for more of the query, deterministically', () => {
    const all = bm25('docker postgresql', 'docker postgresql docker postgresql');
    const half = bm25('docker postgresql', 'docker and other things');
    expect(all.score).toBe(1);
    expect(half.score).toBeGreaterThan(0);
    expect(half.score).toBeLessThan(all.score);
    expect(half).toMatchObject({ terms: 2, matchedTerms: ['docker'] });
    expect(bm25('docker postgresql', 'docker and other things')).toEqual(half);
    expect(bm25('the and of', 'anything').score).toBe(0);
  });

  it('weighs a term found in every candidate’s resume less, with corpus statistics', () => {
    const resumes = ['kubernetes docker', 'kubernetes java', 'kubernetes rust', 'kubernetes postgresql'];
    const corpus = corpusStats(resumes);
    expect(corpus).toMatchObject({ documents: 4, averageLength: 2 });
    const common = bm25('kubernetes postgresql', 'kubernetes', corpus).score;
    const rare = bm25('kubernetes postgresql', 'postgresql', corpus).score;
    expect(rare).toBeGreaterThan(common);
  });
});

describe('the local scorer', () => {
  it('is deterministic', async () => {
    const first = await scorer.score(input(STRONG));
    for (let i = 0; i < 3; i += 1) expect(await scorer.score(input(STRONG))).toEqual(first);
  });

  it('ranks a matching resume above one that does not match', async () => {
    const strong = await scorer.score(input(STRONG));
    const weak = await scorer.score(input(WEAK));
    expect(strong.score).toBeGreaterThan(70);
    expect(weak.score).toBeLessThan(20);
    expect(strong.score).toBeGreaterThan(weak.score);
  });

  it('explains itself: skills by their canonical names, parts that add up to the score', async () => {
    const { score, breakdown, scorer: name } = await scorer.score(input(STRONG));
    expect(name).toBe('local');
    expect(breakdown).toMatchObject({ matched_skills: ['Node.js', 'Kubernetes', 'PostgreSQL'], missing_skills: [], nice_matched: ['React'] });
    expect(breakdown.parts.map((part) => [part.name, part.max])).toEqual([
      ['required_skills', 45],
      ['relevance', 30],
      ['experience', 15],
      ['nice_to_have', 10],
    ]);
    expect(breakdown.parts.find((part) => part.name === 'required_skills')).toMatchObject({ points: 45, detail: '3 of 3 required skills' });
    expect(breakdown.parts.find((part) => part.name === 'experience')).toMatchObject({ points: 15, detail: '11.8 years of the 5 asked for' });
    expect(breakdown.parts.find((part) => part.name === 'nice_to_have')).toMatchObject({ points: 5, detail: '1 of 2 nice-to-have skills' });
    expect(score).toBeCloseTo(
      breakdown.parts.reduce((sum, part) => sum + part.points, 0),
      5,
    );
    for (const part of breakdown.parts) expect(part.points).toBeLessThanOrEqual(part.max);
    const weak = await scorer.score(input(WEAK));
    expect(weak.breakdown.missing_skills).toEqual(['Node.js', 'Kubernetes', 'PostgreSQL']);
  });

  it('gives the points of a part the job does not measure to the others', async () => {
    const bare = { ...job, skills: { required: [], nice: [] }, minYears: null };
    const { score, breakdown } = await scorer.score(input(STRONG, { job: bare }));
    expect(breakdown.parts.map((part) => [part.name, part.max])).toEqual([
      ['relevance', 67],
      ['experience', 33],
    ]);
    expect(score).toBeGreaterThan(50);
    expect(score).toBeLessThanOrEqual(100);
  });

  it('measures experience against the minimum, or on a saturating curve without one', async () => {
    const points = async (years: number, minYears: number | null) => {
      const text = `Experience\nEngineer ${2026 - years} - 2026`;
      const result = await scorer.score(input(text, { job: { ...job, minYears } }));
      return result.breakdown.parts.find((part) => part.name === 'experience')!.points;
    };
    expect(await points(2, 4)).toBe(7.5);
    expect(await points(8, 4)).toBe(15);
    const curve = await Promise.all([1, 4, 8, 20].map((years) => points(years, null)));
    expect(curve).toEqual([...curve].sort((a, b) => a - b));
    expect(curve[3]).toBeLessThanOrEqual(15);
    expect(await points(0, null)).toBe(0);
  });

  it('matches skills outside the vocabulary as whole words, and vocabulary skills only as parsed', async () => {
    const custom = { ...job, skills: { required: ['Basket Weaving', 'Go'], nice: [] } };
    const text = 'Experience\nTaught basket weaving 2015 - 2020; ready to go anywhere.';
    const { breakdown } = await scorer.score(input(text, { job: custom }));
    expect(breakdown.matched_skills).toEqual(['Basket Weaving']);
    expect(breakdown.missing_skills).toEqual(['Go']);
  });

  it('matches a skill outside the vocabulary whose words the resume joins by a hyphen, or the job does', async () => {
    const custom = { ...job, skills: { required: ['Tool calling', 'Self-hosting'], nice: [] } };
    const text = 'Experience\nBuilt tool-calling agents and self hosting guides 2015 - 2020.';
    const { breakdown } = await scorer.score(input(text, { job: custom }));
    expect(breakdown.matched_skills).toEqual(['Tool calling', 'Self-hosting']);
  });
});
