import type { ParsedResume } from './fields.ts';

export interface JobForScoring {
  title: string;
  description: string;
  skills: { required: string[]; nice: string[] };
  minYears: number | null;
}

export interface ScoreBreakdown {
  matched_skills: string[];
  missing_skills: string[];
  nice_matched: string[];
  parts: Array<{ name: string; points: number; max: number; detail: string }>;
  [key: string]: unknown;
}

export interface ScoreResult {
  score: number;
  breakdown: ScoreBreakdown;
  scorer: string;
}

export interface ScoreInput {
  resumeText: string;
  fields: ParsedResume;
  job: JobForScoring;
  /** Lets a scorer keep per-job state, e.g. the LLM scorer's budget. */
  jobId: string;
}

/** The Scorer port: local and deterministic by default, optionally an LLM. */
export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<ScoreResult>;
}
