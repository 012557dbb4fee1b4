import { bm25 } from './bm25.ts';
import type { ScoreInput, ScorePart, ScoreResult, Scorer } from './scorer.ts';
import { canonicalSkill, isKnownSkill, mentions } from './skills.ts';

/** Points of each part when the job gives something to measure it by; they add up to 100. */
const WEIGHTS = { required_skills: 45, relevance: 30, experience: 15, nice_to_have: 10 };
/** Without a minimum, experience saturates: 4 years earn 63% of the part, 8 years 86%. */
const EXPERIENCE_SCALE_YEARS = 4;

/**
 * The default scorer, local and deterministic: coverage of the required skills (45 points),
 * relevance of the resume to the job's title and description by BM25 (30), experience against the
 * job's minimum or on a saturating curve (15), nice-to-have skills (10). A part the job gives
 * nothing to measure by (no required skills listed, say) is left out and the others are scaled
 * up to 100, so that a job without skills is not capped at 55. Every part is in the breakdown.
 */
export class LocalScorer implements Scorer {
  readonly name = 'local';

  async score({ resumeText, fields, job, corpus }: ScoreInput): Promise<ScoreResult> {
    const has = new Set(fields.skills);
    // A vocabulary skill counts as the parser found it (so "Go" in prose does not); any other
    // skill as a whole word in the text.
    const present = (skill: string) => (isKnownSkill(skill) ? has.has(canonicalSkill(skill)) : mentions(resumeText, skill));
    const required = unique(job.skills.required.map(canonicalSkill));
    const nice = unique(job.skills.nice.map(canonicalSkill)).filter((skill) => !required.includes(skill));
    const matched = required.filter(present);
    const niceMatched = nice.filter(present);
    const relevance = bm25(`${job.title}\n${job.description}`, resumeText, corpus);
    const years = fields.experienceYears;
    const minYears = job.minYears ?? 0;

    const measures: Array<{ name: keyof typeof WEIGHTS; applies: boolean; fraction: number; detail: string }> = [
      {
        name: 'required_skills',
        applies: required.length > 0,
        fraction: matched.length / (required.length || 1),
        detail: `${matched.length} of ${required.length} required skills`,
      },
      {
        name: 'relevance',
        applies: relevance.terms > 0,
        fraction: relevance.score,
        detail: `${relevance.matchedTerms.length} of ${relevance.terms} terms of the job description appear in the resume`,
      },
      {
        name: 'experience',
        applies: true,
        fraction: years === null ? 0 : minYears > 0 ? Math.min(1, years / minYears) : 1 - Math.exp(-years / EXPERIENCE_SCALE_YEARS),
        detail: years === null ? 'no dated experience found' : `${years} years${minYears > 0 ? ` of the ${minYears} asked for` : ''}`,
      },
      {
        name: 'nice_to_have',
        applies: nice.length > 0,
        fraction: niceMatched.length / (nice.length || 1),
        detail: `${niceMatched.length} of ${nice.length} nice-to-have skills`,
      },
    ];
    const applicable = measures.filter((measure) => measure.applies);
    const maxima = scaledMaxima(applicable.map((measure) => WEIGHTS[measure.name]));
    const parts: ScorePart[] = applicable.map((measure, index) => ({
      name: measure.name,
      points: round(maxima[index]! * measure.fraction),
      max: maxima[index]!,
      detail: measure.detail,
    }));
    return {
      score: round(parts.reduce((sum, part) => sum + part.points, 0)),
      breakdown: { matched_skills: matched, missing_skills: required.filter((skill) => !matched.includes(skill)), nice_matched: niceMatched, parts },
      scorer: this.name,
    };
  }
}

/** Whole-point maxima proportional to the weights that add up to exactly 100. */
function scaledMaxima(weights: number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const maxima = weights.map((weight) => Math.round((weight * 100) / total));
  maxima[maxima.length - 1]! += 100 - maxima.reduce((sum, max) => sum + max, 0);
  return maxima;
}

const round = (value: number) => Math.round(value * 10) / 10;
const unique = (values: string[]) => [...new Set(values.filter(Boolean))];
