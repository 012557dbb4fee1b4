import { Type } from './json-schema.ts';
import { Uuid } from './common.ts';

export const Role = Type.Union([Type.Literal('candidate'), Type.Literal('recruiter')]);
export const OrgRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String({ description: 'As given at registration; unique case-insensitively.' }),
    name: Type.String(),
    role: Role,
    org_id: Type.Union([Uuid, Type.Null()], { description: 'The recruiter’s organization; null for candidates.' }),
    org_role: Type.Union([OrgRole, Type.Null()]),
    org_name: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'A person: a candidate, or a recruiter of one organization.' },
);

export const InvitationStatus = Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('expired'), Type.Literal('cancelled')]);

export const Invitation = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    email: Type.String({ description: 'The address invited; only a registration with it (in any letter case) can use the token.' }),
    org_role: OrgRole,
    status: InvitationStatus,
    invited_by: Type.Union([Uuid, Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
    accepted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    cancelled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { description: 'An invitation to join an organization. Its token is never listed: it is returned once, when the invitation is made.' },
);

export const Usage = Type.Object(
  {
    scope: Type.Union([Type.Literal('organization'), Type.Literal('candidate')]),
    storage: Type.Object({
      used_bytes: Type.Integer({
        description:
          'What the storage quota counts: every stored version of the files that are not deleted, pending uploads at their declared size. Deleted files stop counting at once (their bytes go at the purge).',
      }),
      current_bytes: Type.Integer({ description: 'Of `used_bytes`, the current version of each file only.' }),
      files: Type.Integer(),
      versions: Type.Integer(),
      limit_bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited.' }),
    }),
    uploads: Type.Object({
      used: Type.Union([Type.Integer(), Type.Null()], {
        description:
          'Uploads started in the current one-hour window (every process counts in one shared counter); null where no limit applies, since uploads are then not counted.',
      }),
      limit_per_hour: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited.' }),
      resets_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the current window ends; null when there is none.' }),
    }),
  },
  { description: 'Quota usage. An upload past a quota is refused before any byte is stored: 413 `storage_quota_exceeded` or 429 `upload_rate_exceeded`.' },
);
