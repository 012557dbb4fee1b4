import type { ScoreInput, ScoreResult, Scorer } from './scorer.ts';

export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  /** Calls allowed per job (per process); past it, the local scorer answers. */
  budgetPerJob: number;
}

const SCHEMA = {
  name: 'resume_score',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['score', 'summary', 'matched_skills', 'missing_skills'],
    properties: {
      score: { type: 'number', minimum: 0, maximum: 100 },
      summary: { type: 'string' },
      matched_skills: { type: 'array', items: { type: 'string' } },
      missing_skills: { type: 'array', items: { type: 'string' } },
    },
  },
};

/**
 * An optional scorer that asks an OpenAI-compatible chat-completions API (structured JSON output).
 * It never sends the candidate's contact details (name, emails, phone numbers, links are removed
 * from the text first), and it falls back to the local scorer on any failure: timeout, error
 * status after retries, an answer that is not the expected JSON, or a spent budget.
 */
export class LlmScorer implements Scorer {
  readonly name = 'llm';
  private readonly settings: LlmSettings;
  private readonly fallback: Scorer;
  private readonly calls = new Map<string, number>();

  constructor(settings: LlmSettings, fallback: Scorer) {
    this.settings = settings;
    this.fallback = fallback;
  }

  async score(input: ScoreInput): Promise<ScoreResult> {
    const used = this.calls.get(input.jobId) ?? 0;
    if (used >= this.settings.budgetPerJob) return this.fallback.score(input);
    this.calls.set(input.jobId, used + 1);
    const local = await this.fallback.score(input);
    try {
      const answer = await this.ask(input);
      return {
        score: Math.round(answer.score * 10) / 10,
        breakdown: { ...local.breakdown, matched_skills: answer.matched_skills, missing_skills: answer.missing_skills, summary: answer.summary, local_score: local.score },
        scorer: `llm:${this.settings.model}`,
      };
    } catch {
      return local;
    }
  }

  private async ask(input: ScoreInput): Promise<{ score: number; summary: string; matched_skills: string[]; missing_skills: string[] }> {
    const body = JSON.stringify({
      model: this.settings.model,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: SCHEMA },
      messages: [
        { role: 'system', content: 'You rate how well a resume fits a job, from 0 to 100. Judge skills and experience only. Answer with the requested JSON.' },
        {
          role: 'user',
          content: `Job: ${input.job.title}\nRequired skills: ${input.job.skills.required.join(', ') || 'none listed'}\nNice to have: ${input.job.skills.nice.join(', ') || 'none listed'}\n\n${input.job.description}\n\n--- Resume ---\n${redactContactDetails(input.resumeText, input.fields.name)}`,
        },
      ],
    });
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.settings.maxRetries; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      try {
        const response = await fetch(`${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
          body,
          signal: AbortSignal.timeout(this.settings.timeoutMs),
        });
        if (response.status === 429 || response.status >= 500) {
          lastError = new Error(`status ${response.status}`);
          await response.body?.cancel();
          continue;
        }
        if (!response.ok) throw new Error(`status ${response.status}`);
        const completion = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
        return validate(JSON.parse(completion.choices?.[0]?.message?.content ?? ''));
      } catch (error) {
        lastError = error;
        if (error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('invalid answer'))) throw error;
      }
    }
    throw lastError;
  }
}

function validate(value: unknown): { score: number; summary: string; matched_skills: string[]; missing_skills: string[] } {
  const answer = value as Record<string, unknown>;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (typeof answer?.score !== 'number' || answer.score < 0 || answer.score > 100 || typeof answer.summary !== 'string' || !strings(answer.matched_skills) || !strings(answer.missing_skills)) {
    throw new Error('invalid answer from the model');
  }
  return answer as { score: number; summary: string; matched_skills: string[]; missing_skills: string[] };
}

/** What leaves the machine: the resume without the candidate's name, emails, phone numbers and links. */
export function redactContactDetails(text: string, name: string | null): string {
  let redacted = text
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/\b(?:https?:\/\/)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|me|de|fr|uk|co|app|ai)(?:\/[^\s,;)]*)?/gi, '[link]')
    .replace(/(?:\+|00)?\d[\d\s().-]{6,}\d/g, (match) => (/\d{4}\s*[-–]\s*\d{4}/.test(match) && match.replace(/\D/g, '').length === 8 ? match : '[phone]'));
  if (name) {
    for (const part of [name, ...name.split(/\s+/).filter((word) => word.length > 2)]) {
      redacted = redacted.replace(new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[name]');
    }
  }
  return redacted;
}
