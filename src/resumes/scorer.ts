import type { CorpusStats } from './bm25.ts';
import type { ParsedResume } from './fields.ts';

/** The Scorer port: how well a parsed resume fits a job, 0–100, with the reasons. */
export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<ScoreResult>;
}

export interface JobForScoring {
  title: string;
  description: string;
  /** As the recruiter typed them; synonyms are understood ("k8s" is Kubernetes). */
  skills: { required: string[]; nice: string[] };
  minYears?: number | null;
}

/** A caller's count of LLM calls for one job: past `limit`, scorers answer without calling out. */
/** A job's LLM calls: each call takes one, and none is made once `take` answers false. */
export interface CallBudget {
  take(): Promise<boolean>;
}

export interface ScoreInput {
  resumeText: string;
  /** What scoring reads of the parsed fields (the redaction of the LLM scorer reads name and phone). */
  fields: Pick<ParsedResume, 'name' | 'phone' | 'skills' | 'experienceYears'>;
  job: JobForScoring;
  /** Statistics of the job's candidates, for BM25's term weights; uniform weights without it. */
  corpus?: CorpusStats;
  budget?: CallBudget;
}

export type ScorePart = { name: string; points: number; max: number; detail: string };

/** Sent to the API as is, hence snake_case. */
export type ScoreBreakdown = {
  matched_skills: string[];
  missing_skills: string[];
  nice_matched: string[];
  parts: ScorePart[];
  /** LLM scorer only: the model's reasons, and the local score for comparison. */
  summary?: string;
  local_score?: number;
};

export interface ScoreResult {
  score: number;
  breakdown: ScoreBreakdown;
  scorer: string;
}
