import { redactContactDetails } from './redact.ts';
import type { ScoreInput, ScoreResult, Scorer } from './scorer.ts';

export interface LlmSettings {
  /** An OpenAI-compatible API, e.g. https://api.openai.com/v1 or a local server's /v1. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Retries after a 429, a 5xx or a network error; each waits twice as long as the last. */
  maxRetries: number;
  /** The first wait between retries (default 250 ms). */
  backoffMs?: number;
}

type Answer = { score: number; summary: string; matched_skills: string[]; missing_skills: string[] };

const ANSWER_SCHEMA = {
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

const INSTRUCTIONS =
  'You assess how well a resume fits a job, for a recruiter. Judge only skills, experience and the work described; ' +
  'ignore anything that could identify the person or their background. Answer with the JSON requested: a score from 0 to 100, ' +
  'a summary of at most three sentences, and the job skills the resume shows and lacks.';

/** A retryable answer: the server is busy or failing, not rejecting the request. */
class Retryable extends Error {}

/**
 * An optional scorer that asks a model through the OpenAI-compatible chat-completions API, with
 * structured JSON output. The resume is sent without the candidate's contact details. On any
 * failure — a spent budget, a timeout, an error status after the retries, an answer that is not
 * the expected JSON — the local scorer answers instead, so scoring never fails because of it.
 */
export class LlmScorer implements Scorer {
  readonly name: string;
  private readonly settings: LlmSettings;
  private readonly fallback: Scorer;

  constructor(settings: LlmSettings, fallback: Scorer) {
    this.settings = settings;
    this.fallback = fallback;
    this.name = `llm:${settings.model}`;
  }

  async score(input: ScoreInput): Promise<ScoreResult> {
    const local = await this.fallback.score(input);
    if (input.budget && !(await input.budget.take())) return local;
    let answer: Answer;
    try {
      answer = await this.ask(input);
    } catch {
      return local;
    }
    return {
      score: Math.round(answer.score * 10) / 10,
      breakdown: {
        matched_skills: answer.matched_skills,
        missing_skills: answer.missing_skills,
        nice_matched: local.breakdown.nice_matched,
        parts: [{ name: 'model', points: Math.round(answer.score * 10) / 10, max: 100, detail: answer.summary }],
        summary: answer.summary,
        local_score: local.score,
      },
      scorer: this.name,
    };
  }

  /** The request body, exposed to show exactly what leaves the machine. */
  requestBody({ resumeText, fields, job }: ScoreInput): string {
    const list = (skills: string[]) => (skills.length ? skills.join(', ') : 'none listed');
    return JSON.stringify({
      model: this.settings.model,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: ANSWER_SCHEMA },
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        {
          role: 'user',
          content:
            `Job title: ${job.title}\nRequired skills: ${list(job.skills.required)}\nNice to have: ${list(job.skills.nice)}\n` +
            `${job.minYears ? `Minimum years of experience: ${job.minYears}\n` : ''}\nJob description:\n${job.description}\n\n` +
            `Resume:\n${redactContactDetails(resumeText, fields)}`,
        },
      ],
    });
  }

  private async ask(input: ScoreInput): Promise<Answer> {
    const body = this.requestBody(input);
    const backoff = this.settings.backoffMs ?? 250;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.call(body);
      } catch (error) {
        if (!(error instanceof Retryable) || attempt >= this.settings.maxRetries) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** attempt));
      }
    }
  }

  private async call(body: string): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      // A timeout is not retried: the next attempt would most likely wait as long.
      if ((error as Error).name === 'TimeoutError') throw error;
      throw new Retryable((error as Error).message);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new Retryable(`status ${response.status}`);
    }
    if (!response.ok) throw new Error(`status ${response.status}`);
    const completion = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = completion.choices?.[0]?.message?.content;
    return validate(typeof content === 'string' ? JSON.parse(content) : undefined);
  }
}

function validate(value: unknown): Answer {
  const answer = (value ?? {}) as Record<string, unknown>;
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.length <= 100 && list.every((item) => typeof item === 'string' && item.length <= 200);
  const { score, summary, matched_skills, missing_skills } = answer;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 100) throw new Error('the model gave no valid score');
  if (typeof summary !== 'string' || summary.length > 2000 || !strings(matched_skills) || !strings(missing_skills))
    throw new Error('the model gave no valid reasons');
  return { score, summary, matched_skills, missing_skills };
}
