import { bm25Relevance } from './bm25.ts';
import type { ScoreInput, ScoreResult, Scorer } from './scorer.ts';
import { canonicalSkill } from './skills.ts';

const POINTS = { required: 45, relevance: 30, experience: 15, nice: 10 };

/**
 * The default scorer, local and deterministic, out of 100: coverage of the required skills (45),
 * relevance of the resume text to the job description by BM25 (30), experience against the job's
 * minimum or on a saturating curve (15), and nice-to-have skills (10). Every part is in the
 * breakdown, with the matched and missing skills, so that a recruiter can see why.
 */
export class LocalScorer implements Scorer {
  readonly name = 'local';

  async score({ resumeText, fields, job }: ScoreInput): Promise<ScoreResult> {
    const has = new Set(fields.skills.map((skill) => skill.toLowerCase()));
    const text = resumeText.toLowerCase();
    const present = (skill: string) => has.has(canonicalSkill(skill).toLowerCase()) || text.includes(skill.toLowerCase());
    const required = job.skills.required;
    const matched = required.filter(present);
    const missing = required.filter((skill) => !present(skill));
    const niceMatched = job.skills.nice.filter(present);

    const requiredPoints = required.length ? (POINTS.required * matched.length) / required.length : POINTS.required * (fields.skills.length ? 0.5 : 0);
    const nicePoints = job.skills.nice.length ? (POINTS.nice * niceMatched.length) / job.skills.nice.length : 0;
    const relevance = bm25Relevance(`${job.title} ${job.description}`, resumeText);
    const relevancePoints = POINTS.relevance * relevance.score;
    const years = fields.experienceYears ?? 0;
    const experiencePoints = job.minYears ? POINTS.experience * Math.min(1, years / job.minYears) : POINTS.experience * (1 - Math.exp(-years / 4));

    const parts = [
      { name: 'required_skills', points: round(requiredPoints), max: POINTS.required, detail: required.length ? `${matched.length} of ${required.length} required skills` : 'the job lists no required skills' },
      { name: 'relevance', points: round(relevancePoints), max: POINTS.relevance, detail: `${relevance.matchedTerms.length} terms of the job description appear in the resume` },
      { name: 'experience', points: round(experiencePoints), max: POINTS.experience, detail: fields.experienceYears === null ? 'no dated experience found' : `${years} years${job.minYears ? ` (the job asks for ${job.minYears})` : ''}` },
      { name: 'nice_to_have', points: round(nicePoints), max: POINTS.nice, detail: job.skills.nice.length ? `${niceMatched.length} of ${job.skills.nice.length} nice-to-have skills` : 'the job lists no nice-to-have skills' },
    ];
    const total = Math.min(100, Math.max(0, round(parts.reduce((sum, part) => sum + part.points, 0))));
    return { score: total, breakdown: { matched_skills: matched, missing_skills: missing, nice_matched: niceMatched, parts }, scorer: this.name };
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
