import type { Config } from '../config.ts';
import type { ResumeAnalyzer } from '../services/hiring/processing.ts';
import type { RateCounters } from '../services/limits/rate-counters.ts';

/** How long a job's LLM budget lasts: LLM_BUDGET_PER_JOB calls per job in each window of a day. */
export const LLM_BUDGET_WINDOW_MS = 24 * 3600 * 1000;

/**
 * The resume analyzer, loaded at its first use: the PDF and DOCX parsers, the skills taxonomy, the
 * phone metadata and OCR take tens of megabytes that an API-only process, or a worker that has not
 * seen a resume yet, never needs.
 */
export function createResumeAnalyzer(config: Config, counters: RateCounters): ResumeAnalyzer {
  let loaded: Promise<ResumeAnalyzer> | undefined;
  const analysis = () => (loaded ??= import('./analysis.ts').then((module) => module.createAnalysis(config, counters)));
  return {
    extract: async (bytes, contentType, options) => (await analysis()).extract(bytes, contentType, options),
    parse: async (document) => (await analysis()).parse(document),
    score: async (input) => (await analysis()).score(input),
  };
}
