import type { Config } from '../config.ts';
import type { ResumeAnalyzer } from '../services/hiring/processing.ts';
import type { Links } from './contact.ts';
import { DocumentTextExtractor } from './extract.ts';
import { parseResume } from './fields.ts';
import { LlmScorer } from './llm-scorer.ts';
import { LocalScorer } from './local-scorer.ts';
import type { CallBudget, Scorer } from './scorer.ts';
import { ExtractionError } from './text-extractor.ts';

/**
 * Resume analysis as the hiring workflow uses it: extraction, parsing, and the configured scorer
 * (the LLM one only when configured). LLM budgets are counted per job in this process.
 */
export function createResumeAnalyzer(config: Config): ResumeAnalyzer {
  const extractor = new DocumentTextExtractor();
  const local = new LocalScorer();
  const scorer: Scorer = config.llm ? new LlmScorer(config.llm, local) : local;
  const budgets = new Map<string, CallBudget>();
  return {
    async extractText(bytes, contentType) {
      try {
        return { ok: true, text: (await extractor.extract({ bytes, contentType })).text };
      } catch (error) {
        if (error instanceof ExtractionError) return { ok: false, reason: error.reason };
        throw error;
      }
    },
    parse: (text) => parseResume(text),
    score({ resumeText, fields, job, jobId }) {
      let budget = budgets.get(jobId);
      if (!budget && config.llm) budgets.set(jobId, (budget = { used: 0, limit: config.llm.budgetPerJob }));
      return scorer.score({ resumeText, fields: { phoneValid: null, skillEvidence: [], ...fields, links: { other: [], ...(fields.links as Partial<Links>) } }, job, ...(budget ? { budget } : {}) });
    },
  };
}
