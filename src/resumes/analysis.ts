import type { Config } from '../config.ts';
import type { ResumeAnalyzer } from '../services/hiring/processing.ts';
import { DocumentTextExtractor } from './extract.ts';
import { parseResume } from './fields.ts';
import { LlmScorer } from './llm-scorer.ts';
import { LocalScorer } from './local-scorer.ts';
import { PageOcr } from './ocr.ts';
import type { CallBudget, Scorer } from './scorer.ts';
import type { RateCounters } from '../services/limits/rate-counters.ts';
import { ExtractionError } from './text-extractor.ts';

import { LLM_BUDGET_WINDOW_MS } from './analyzer.ts';

/**
 * Resume analysis as the hiring workflow uses it: extraction (OCR for scans only when asked, in
 * the OCR queue), parsing, and the configured scorer (the LLM one only when configured). LLM
 * budgets are counted per job in PostgreSQL (`RateCounters`), shared by every worker process.
 * Loaded by `createResumeAnalyzer` at the first resume, with the parsers it needs.
 */
export function createAnalysis(config: Config, counters: RateCounters): ResumeAnalyzer {
  const extractor = new DocumentTextExtractor();
  const ocr = config.ocr.enabled ? new PageOcr({ maxPages: config.ocr.maxPages }) : null;
  const ocrExtractor = ocr ? new DocumentTextExtractor({ ocr }) : null;
  const local = new LocalScorer();
  const scorer: Scorer = config.llm ? new LlmScorer(config.llm, local) : local;
  const llm = config.llm;
  const budgetOf = (jobId: string): CallBudget => ({
    take: async () => llm !== undefined && llm.budgetPerJob > 0 && (await counters.take(`llm:job:${jobId}`, LLM_BUDGET_WINDOW_MS, llm.budgetPerJob)).allowed,
  });
  return {
    async extract(bytes, contentType, options) {
      try {
        const { text, links, ocr: read, ocrWanted } = await (options.ocr && ocrExtractor ? ocrExtractor : extractor).extract({ bytes, contentType });
        // A garbled text layer, or contact details only in a picture: read again in the OCR queue.
        if (ocrWanted && !options.ocr && ocrExtractor !== null) return { ok: false, reason: 'no_text', needsOcr: true };
        return { ok: true, document: { text, links, ocr: Boolean(read) } };
      } catch (error) {
        if (!(error instanceof ExtractionError)) throw error;
        const scan = error.reason === 'no_text' && !options.ocr && ocrExtractor !== null && contentType.startsWith('application/pdf');
        return { ok: false, reason: error.reason, ...(scan ? { needsOcr: true } : {}) };
      }
    },
    parse: async (document) => parseResume(document.text, { links: document.links }),
    score({ resumeText, fields, job, jobId }) {
      return scorer.score({ resumeText, fields, job, ...(llm ? { budget: budgetOf(jobId) } : {}) });
    },
  };
}
