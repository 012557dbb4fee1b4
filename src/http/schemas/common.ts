import type { TSchema, TStringOptions } from 'typebox';
import { Type } from './json-schema.ts';

export const Uuid = Type.String({ format: 'uuid' });

/**
 * Strings from clients. PostgreSQL refuses NUL in text (a 500 if it got that far), and the other C0
 * controls and DEL only ever hide or fake content (terminal escapes in a name, a line break in a
 * filter); they are refused here, at the edge, as 400 `validation_failed`.
 * - `Line`: one-line values (names, emails, titles, filters, URLs): no control character at all;
 * - `Text`: free text (a job description): tab, line feed and carriage return are kept.
 */
export const LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
export const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';
export const Line = (options: TStringOptions = {}) => Type.String({ ...options, pattern: LINE_PATTERN });
export const Text = (options: TStringOptions = {}) => Type.String({ ...options, pattern: TEXT_PATTERN });

/** What a refused pattern means, for the problem's detail (the pattern itself tells a client nothing). */
export const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  [LINE_PATTERN]: 'must not contain control characters',
  [TEXT_PATTERN]: 'must not contain control characters other than tab and line breaks',
};

/** Offsets past this are refused: nobody pages that far, and an unbounded number can overflow a query. */
export const MAX_OFFSET = 1_000_000;
/** PostgreSQL's `integer`: version numbers are stored as one. */
export const MAX_INT32 = 2_147_483_647;
export const IdParams = Type.Object({ id: Uuid });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable, machine-readable error code.' }),
    request_id: Type.String(),
    quota: Type.Optional(
      Type.Union([Type.Literal('storage'), Type.Literal('uploads_per_hour')], {
        description: '413 `storage_quota_exceeded` and 429 `upload_rate_exceeded` only: which quota refused the upload.',
      }),
    ),
    scope: Type.Optional(Type.Union([Type.Literal('organization'), Type.Literal('candidate')], { description: 'With `quota`: whose quota it is.' })),
    limit: Type.Optional(Type.Integer({ description: 'With `quota`: the limit, in bytes (storage) or uploads per hour.' })),
    used: Type.Optional(Type.Integer({ description: 'With `quota`: how much of it is used, in the same unit.' })),
    requested: Type.Optional(Type.Integer({ description: 'With `quota: "storage"`: the bytes the refused upload declared.' })),
  },
  { description: 'RFC 9457 problem document' },
);

export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Line({ maxLength: 200 })),
};

/**
 * An answer without a body other than 204 (202 Accepted): documented as `null` like the 204s, but
 * typed as no payload, so the handler sends none (an explicit `null` would be serialized).
 */
export const NoBody = Type.Unsafe<undefined>(Type.Null());

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** Problem responses every authenticated route may give, for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, Problem]));
