import type { Config } from '../config.ts';
import type { ResumeAnalyzer } from '../services/hiring/processing.ts';
import { extractText } from './extract.ts';
import { parseResume } from './fields.ts';
import { LlmScorer } from './llm-scorer.ts';
import { LocalScorer } from './local-scorer.ts';
import type { Scorer } from './scorer.ts';

/** The resume analysis the hiring workflow uses: extraction, parsing, and the configured scorer. */
export function createResumeAnalyzer(config: Config): ResumeAnalyzer {
  const local = new LocalScorer();
  const scorer: Scorer = config.llm ? new LlmScorer(config.llm, local) : local;
  return {
    extractText,
    parse: (text) => parseResume(text),
    score: (input) => scorer.score({ ...input, fields: { ...input.fields, links: { other: [], ...input.fields.links } } }),
  };
}
