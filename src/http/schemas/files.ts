import { Type } from './json-schema.ts';
import { Line, Uuid } from './common.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ScanInfo = Type.Union([
  Type.Object({ engine: Type.String(), result: Type.String(), signature: Nullable(Type.String()), reason: Nullable(Type.String()) }),
  Type.Null(),
]);

export const FileObject = Type.Object({
  id: Uuid,
  filename: Nullable(Type.String()),
  category: Type.String(),
  content_type: Type.String(),
  size: Type.Integer(),
  sha256: Nullable(Type.String()),
  status: Type.String({ description: 'pending_upload → uploaded → scanning → clean | infected | rejected; any → deleted' }),
  status_reason: Nullable(Type.String()),
  owner_id: Nullable(Uuid),
  org_id: Nullable(Uuid),
  version: Type.Integer({ description: 'The newest clean version (or the newest while none is clean).' }),
  latest_version: Type.Integer(),
  created_at: Timestamp,
  updated_at: Timestamp,
  scanned_at: Nullable(Timestamp),
  scan: ScanInfo,
});

export const VersionObject = Type.Object({
  version: Type.Integer(),
  filename: Nullable(Type.String()),
  content_type: Type.String(),
  size: Type.Union([Type.Integer(), Type.Null()]),
  sha256: Nullable(Type.String()),
  status: Type.String(),
  status_reason: Nullable(Type.String()),
  created_at: Timestamp,
  scanned_at: Nullable(Timestamp),
  scan: ScanInfo,
});

export const UploadInstruction = Type.Object({
  url: Type.String(),
  method: Type.Literal('PUT'),
  headers: Type.Record(Type.String(), Type.String(), { description: 'Send these headers exactly: they are part of the signature.' }),
  expires_at: Timestamp,
});

export const InitiateBody = Type.Object({
  filename: Type.String({ minLength: 1, maxLength: 1024 }),
  content_type: Line({ minLength: 1, maxLength: 255 }),
  size: Type.Integer({ description: 'Exact size in bytes.' }),
  category: Line({ minLength: 1, maxLength: 64 }),
});

/** A new version by pre-signed upload (`POST /files/{id}/versions` with JSON): the file's category stays. */
export const VersionInitiateBody = Type.Omit(InitiateBody, ['category']);

export const InitiateResponse = Type.Object({ file_id: Uuid, version: Type.Integer(), upload: UploadInstruction });

export const AuditEntry = Type.Object({
  id: Uuid,
  at: Timestamp,
  actor_id: Nullable(Uuid),
  actor_type: Type.String({ description: '`user`, `api_key`, `system`, or `anonymous` (no credential was recognized).' }),
  action: Type.String({
    description:
      '`noun.verb`, e.g. `file.uploaded`; for authentication `user.logged_in`, `user.login_failed` (details.reason), `request.unauthenticated` (a 401: details.code, details.credential = bearer | api_key | cookie | refresh_token | none, method, route) and `request.forbidden` (a 403). `details.unrecorded_before` counts the denied attempts of the same address left out before this entry (the write budget).',
  }),
  file_id: Nullable(Uuid),
  org_id: Nullable(Uuid),
  outcome: Type.String(),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
