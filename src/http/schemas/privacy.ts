import { Type } from 'typebox';
import { Uuid } from './common.ts';

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
