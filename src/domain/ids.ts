import { v7 } from 'uuid';

/** Time-ordered UUIDv7: index-friendly and sortable by creation. */
export const newId = (): string => v7();

/** Any RFC 9562 UUID in its canonical 8-4-4-4-12 hex form (ids of any version are accepted). */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);
