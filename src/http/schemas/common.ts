import { Type, type TSchema } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable, machine-readable error code.' }),
    request_id: Type.String(),
  },
  { description: 'RFC 9457 problem document' },
);

export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** Problem responses every authenticated route may give, for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, Problem]));
