import type { Selectable } from 'kysely';
import type { CandidatesTable } from '../../db/schema.ts';

export interface CandidateView {
  id: string;
  job_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** False when the phone is kept as printed because it is not a valid number. */
  phone_valid: boolean | null;
  links: Record<string, unknown> | null;
  skills: string[];
  /** Where each skill was found: the section and the line. */
  skill_evidence: Array<{ name: string; section: string; evidence: string; parent?: string }>;
  /** Broader skills of `skills` (Spring for Spring Boot), for search. */
  skill_parents: string[];
  /** `ocr` when the fields were read from page images (a scanned resume). */
  text_source: 'text' | 'ocr' | null;
  experience_years: number | null;
  score: number | null;
  score_breakdown: Record<string, unknown> | null;
  scorer: string | null;
  status: string;
  status_reason: string | null;
  file_id: string;
  application_id: string | null;
  filename: string | null;
  rejected_at: string | null;
  parsed_at: string | null;
  created_at: string;
}

export function toCandidateView(row: Selectable<CandidatesTable>): CandidateView {
  return {
    id: row.id,
    job_id: row.job_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    phone_valid: row.phone_valid,
    links: row.links,
    skills: row.skills,
    skill_evidence: row.skill_evidence ?? [],
    skill_parents: row.skill_parents,
    text_source: row.text_source,
    experience_years: row.experience_years,
    score: row.score,
    score_breakdown: row.score_breakdown,
    scorer: row.scorer,
    status: row.status,
    status_reason: row.status_reason,
    file_id: row.file_id,
    application_id: row.application_id,
    filename: row.original_filename,
    rejected_at: row.rejected_at ? row.rejected_at.toISOString() : null,
    parsed_at: row.parsed_at ? row.parsed_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
  };
}
