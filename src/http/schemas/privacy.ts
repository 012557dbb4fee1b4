import { Type } from './json-schema.ts';
import { Line, Text, Uuid } from './common.ts';

export const DataExport = Type.Object(
  {
    id: Uuid,
    status: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('ready'), Type.Literal('failed'), Type.Literal('expired')], {
      description: '`pending → running → ready | failed`; any export becomes `expired` when `expires_at` passes and its ZIP is purged.',
    }),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time', description: 'When the ZIP is purged (EXPORT_TTL_HOURS after the request, 24 h by default).' }),
    size: Type.Union([Type.Integer(), Type.Null()], { description: 'Bytes of the ZIP, once ready.' }),
    download_url: Type.Optional(
      Type.String({
        description:
          'Only on `GET /me/exports/{id}` of a ready export: a pre-signed GET of one ZIP holding `data.json` (the account without secrets, files and their versions, applications, the candidate records organizations made from them, and the audit entries about the files and the account) and, under `files/{file id}/`, the bytes of every live file’s current clean version. Each GET issues a fresh URL and records `export.download_url_issued` in the audit trail.',
      }),
    ),
    download_url_expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'DOWNLOAD_URL_TTL_SECONDS from now, never after `expires_at`.' })),
  },
  { description: 'An export of the caller’s own data.' },
);

export const EraseAccountBody = Type.Object({
  password: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        'The account’s password. Without it, the request must carry a token of the identity provider (AUTH_JWKS_URL) issued within the last 5 minutes.',
    }),
  ),
});

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const SubjectRequestBody = Type.Object({
  email: Line({
    minLength: 3,
    maxLength: 320,
    description: 'The person’s email address, matched against the address parsed from each resume (case-insensitive).',
  }),
  phone: Type.Optional(
    Type.Union([Line({ minLength: 1, maxLength: 40 }), Type.Null()], {
      description:
        'Also match the phone number parsed from each resume, compared digit by digit; a number written without its country code matches the same number with it (8 digits at least).',
    }),
  ),
  action: Type.Union([Type.Literal('export'), Type.Literal('erase')]),
});

export const SubjectMatch = Type.Object({
  candidate_id: Uuid,
  job_id: Uuid,
  job_title: Type.String(),
  file_id: Uuid,
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  filename: Type.Union([Type.String(), Type.Null()]),
  via_application: Type.Boolean({ description: 'The resume is the person’s own file shared by applying: erasing ends the share, the file stays theirs.' }),
  erased: Type.Boolean({ description: 'The candidate has been erased or deleted: its parsed fields are gone.' }),
});

export const SubjectRequest = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    action: Type.Union([Type.Literal('export'), Type.Literal('erase')]),
    status: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')], {
      description: '`pending` (waiting for confirmation) → `running` → `completed | failed`.',
    }),
    created_at: Timestamp,
    confirmed_at: NullableTimestamp,
    completed_at: NullableTimestamp,
    matches: Type.Array(SubjectMatch, { description: 'The candidates found when the request was filed; what confirming exports or erases.' }),
    report: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description:
        'Once completed. Erase: `candidates_erased`, `files_erased` (the organization’s copies, all versions), `files_unshared` (candidates’ own files whose share ended), `exports_purged` (earlier subject-request exports holding them, whose ZIP was deleted) and `candidates` (`{candidate_id, job_id, file_id, file: "erased"|"unshared", exports_purged}`). Export: `candidates_exported`, `files_exported`, `files_listed`.',
    }),
    size: Type.Union([Type.Integer(), Type.Null()], { description: 'Bytes of the export’s ZIP.' }),
    expires_at: Type.Union([Timestamp, Type.Null()], { description: 'When the export’s ZIP is purged (EXPORT_TTL_HOURS after it was built).' }),
    download_url: Type.Optional(
      Type.String({
        description:
          'Only on `GET …/subject-requests/{id}` of a completed export before it expires: a pre-signed GET of one ZIP with `data.json` (the candidate records with parsed fields and resume text, the files with every version’s metadata, the audit entries about them without other people’s addresses) and, under `files/{file id}/`, the bytes of every live clean file. Each GET issues a fresh URL, audited as `subject_request.download_url_issued`.',
      }),
    ),
    download_url_expires_at: Type.Optional(Timestamp),
  },
  { description: 'A request to export or erase what the organization holds about one person. The address and phone searched for are not stored.' },
);

/** `null` as a constant, not a type: the server coerces types, and would read `0` as `null` (off) rather than refuse it. */
const Off = Type.Unsafe<null>({ const: null });
const Days = (description: string) => Type.Union([Off, Type.Integer({ minimum: 1, maximum: 36_500 })], { description });

export const RetentionSettings = Type.Object({
  candidate_retention_days: Days('Candidates are erased this many days after their job closed; null (the default): kept until deleted.'),
  rejected_retention_days: Days(
    'Candidates are erased this many days after they were rejected (`PATCH /candidates/{id}`) or withdrew their application; null (the default): kept until deleted.',
  ),
  notice_days: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: 'The `retention.due` webhook announces an erasure this many days ahead (14 by default).',
  }),
});

export const RetentionUpdate = Type.Partial(RetentionSettings, { minProperties: 1 });

export const RetentionItem = Type.Object({
  candidate_id: Uuid,
  job_id: Uuid,
  job_title: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  rule: Type.Union([Type.Literal('job_closed'), Type.Literal('rejected'), Type.Literal('withdrawn')]),
  due_at: Timestamp,
});

export const RetentionPreview = Type.Object({
  settings: RetentionSettings,
  as_of: Timestamp,
  due: Type.Array(RetentionItem, { description: 'What a retention run at `as_of` erases: each candidate whose earliest retention date has passed.' }),
  upcoming: Type.Array(RetentionItem, { description: 'What falls due within `notice_days` after `as_of`.' }),
});

export const PrivacyNotice = Type.Object(
  {
    id: Uuid,
    version: Type.Integer({ description: '1, 2, …: each publication is a new version; versions never change.' }),
    text: Type.Union([Type.String(), Type.Null()]),
    url: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
  },
  { description: 'One version of an organization’s privacy notice.' },
);

export const PrivacyNoticeBody = Type.Object({
  text: Type.Optional(Type.Union([Text({ maxLength: 100_000 }), Type.Null()])),
  url: Type.Optional(Type.Union([Line({ maxLength: 2000 }), Type.Null()], { description: 'An http(s) URL of the full notice.' })),
});
