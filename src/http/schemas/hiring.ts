import { Type } from './json-schema.ts';
import { Line, Text, Uuid } from './common.ts';

const Timestamp = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Skills = Type.Array(Line({ minLength: 1, maxLength: 100 }), { maxItems: 100 });

export const Job = Type.Object({
  id: Uuid,
  org_id: Uuid,
  title: Type.String(),
  description: Type.String(),
  skills: Type.Array(Type.String(), { description: 'Required skills.' }),
  nice_to_have_skills: Type.Array(Type.String()),
  location: NullableString,
  min_years: Type.Union([Type.Number(), Type.Null()]),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  closed_at: Type.Union([Timestamp, Type.Null()], { description: 'When the job was closed (the start of its candidates’ retention); null while open.' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const JobCreate = Type.Object({
  title: Line({ minLength: 1, maxLength: 200 }),
  description: Text({ minLength: 1, maxLength: 50_000 }),
  skills: Type.Optional(Skills),
  nice_to_have_skills: Type.Optional(Skills),
  location: Type.Optional(Type.Union([Line({ maxLength: 200 }), Type.Null()])),
  min_years: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 60 }), Type.Null()])),
});

export const JobUpdate = Type.Partial(Type.Object({ ...JobCreate.properties, status: Type.Union([Type.Literal('open'), Type.Literal('closed')]) }));

const ScorePart = Type.Object({ name: Type.String(), points: Type.Number(), max: Type.Number(), detail: Type.Optional(Type.String()) });

/** As the scorer stored it: open to fields a scorer adds later. */
const ScoreBreakdown = Type.Object(
  {
    matched_skills: Type.Optional(Type.Array(Type.String())),
    missing_skills: Type.Optional(Type.Array(Type.String())),
    nice_matched: Type.Optional(Type.Array(Type.String())),
    parts: Type.Optional(Type.Array(ScorePart, { description: 'what the score is made of, measure by measure' })),
    summary: Type.Optional(Type.String({ description: 'LLM scorer only: the model’s reasons' })),
    local_score: Type.Optional(Type.Number({ description: 'LLM scorer only: the local score, for comparison' })),
  },
  { additionalProperties: true },
);

export const Candidate = Type.Object({
  id: Uuid,
  job_id: Uuid,
  name: NullableString,
  email: NullableString,
  phone: Type.Union([Type.String(), Type.Null()], { description: 'E.164 when valid in the region the resume suggests, else as printed (see phone_valid)' }),
  phone_valid: Type.Union([Type.Boolean(), Type.Null()], { description: 'false when the number is kept as printed because it is not a valid number' }),
  links: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  skills: Type.Array(Type.String()),
  skill_evidence: Type.Array(
    Type.Object({
      name: Type.String(),
      section: Type.String({ description: 'header, contact, experience, skills, languages or other' }),
      evidence: Type.String({ description: 'the line of the resume the skill was found in' }),
      parent: Type.Optional(Type.String({ description: 'the broader skill in the taxonomy' })),
    }),
    { description: 'where each skill was found' },
  ),
  skill_parents: Type.Array(Type.String(), { description: 'broader skills of the skills; ?skill= matches them too' }),
  text_source: Type.Union([Type.Literal('text'), Type.Literal('ocr'), Type.Null()], {
    description: '"ocr" when the fields were read from page images of a scanned resume',
  }),
  experience_years: Type.Union([Type.Number(), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  score_breakdown: Type.Union([ScoreBreakdown, Type.Null()]),
  scorer: NullableString,
  status: Type.String({ description: 'pending → parsing → scored | failed; while a scan waits for OCR, parsing with status_reason ocr_queued' }),
  status_reason: NullableString,
  rejected_at: Type.Union([Timestamp, Type.Null()], {
    description: 'When a recruiter rejected the candidate (`PATCH /candidates/{id}`); the start of its retention for rejected candidates.',
  }),
  file_id: Uuid,
  application_id: Type.Union([Uuid, Type.Null()]),
  filename: NullableString,
  parsed_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
});

export const IntakeResult = Type.Object({
  filename: Type.String(),
  candidate_id: Type.Optional(Uuid),
  duplicate_of: Type.Optional(Uuid),
  error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
});

export const Application = Type.Object({
  id: Uuid,
  job_id: Uuid,
  candidate_id: Uuid,
  resume_file_id: Uuid,
  cover_letter_file_id: Type.Union([Uuid, Type.Null()]),
  created_at: Timestamp,
  privacy_notice: Type.Optional(
    Type.Union(
      [
        Type.Object({
          id: Uuid,
          version: Type.Integer(),
          seen_at: Timestamp,
        }),
        Type.Null(),
      ],
      { description: 'The version of the organization’s privacy notice the candidate was shown, and when; null when it has none.' },
    ),
  ),
});

export const MyApplication = Type.Object({
  id: Uuid,
  job_id: Uuid,
  job_title: Type.String(),
  resume_file_id: Uuid,
  cover_letter_file_id: Type.Union([Uuid, Type.Null()]),
  created_at: Timestamp,
});

export const CandidateUpdate = Type.Object({
  rejected: Type.Boolean({ description: 'true rejects the candidate (sets `rejected_at`, kept when already set); false takes the rejection back.' }),
});
