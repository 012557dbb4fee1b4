import type { Config } from '../config.ts';
import type { ResumeAnalyzer } from '../services/hiring/processing.ts';
import { DocumentTextExtractor } from './extract.ts';
import { parseResume } from './fields.ts';
import { LlmScorer } from './llm-scorer.ts';
import { LocalScorer } from './local-scorer.ts';
import { PageOcr } from './ocr.ts';
import type { CallBudget, Scorer } from './scorer.ts';
import { ExtractionError } from './text-extractor.ts';

/**
 * Resume analysis as the hiring workflow uses it: extraction (OCR for scans only when asked, in
 * the OCR queue), parsing, and the configured scorer (the LLM one only when configured). LLM
 * budgets are counted per job in this process.
 */
export function createResumeAnalyzer(config: Config): ResumeAnalyzer {
  const extractor = new DocumentTextExtractor();
  const ocr = config.ocr.enabled ? new PageOcr({ maxPages: config.ocr.maxPages }) : null;
  const ocrExtractor = ocr ? new DocumentTextExtractor({ ocr }) : null;
  const local = new LocalScorer();
  const scorer: Scorer = config.llm ? new LlmScorer(config.llm, local) : local;
  const budgets = new Map<string, CallBudget>();
  return {
    async extract(bytes, contentType, options) {
      try {
        const { text, links, ocr: read } = await (options.ocr && ocrExtractor ? ocrExtractor : extractor).extract({ bytes, contentType });
        return { ok: true, document: { text, links, ocr: Boolean(read) } };
      } catch (error) {
        if (!(error instanceof ExtractionError)) throw error;
        const scan = error.reason === 'no_text' && !options.ocr && ocrExtractor !== null && contentType.startsWith('application/pdf');
        return { ok: false, reason: error.reason, ...(scan ? { needsOcr: true } : {}) };
      }
    },
    parse: (document) => parseResume(document.text, { links: document.links }),
    score({ resumeText, fields, job, jobId }) {
      let budget = budgets.get(jobId);
      if (!budget && config.llm) budgets.set(jobId, (budget = { used: 0, limit: config.llm.budgetPerJob }));
      return scorer.score({ resumeText, fields, job, ...(budget ? { budget } : {}) });
    },
  };
}
