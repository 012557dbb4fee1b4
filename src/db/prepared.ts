import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Statements that PostgreSQL plans once per connection (named prepared statements) instead of at
 * every execution. For the lookups behind every signed download URL and file read, planning (a
 * join of `unnest(…)` with files and versions) cost PostgreSQL more CPU than running them: about
 * 0.5 ms against 0.2 ms (bench/README.md, *Signing rates: CPU per request*).
 *
 * Only fixed texts are registered, so each connection holds a handful of them for its life. A
 * prepared statement names its columns: `SELECT *` would fail once a migration added a column
 * while the statement was prepared. Behind PgBouncer in transaction pooling mode, prepared
 * statements need PgBouncer 1.21 or later with `max_prepared_statements` set.
 */
const names = new Map<string, string>();

/** Registers `text` to run as a named prepared statement; returns it, for `CompiledQuery.raw`. */
export function preparedStatement(text: string): string {
  names.set(text, `vitae_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  return text;
}

/**
 * Makes a pooled client run the registered texts as named prepared statements (pg prepares a name
 * on its connection at first use). Kysely hands the client only a text and its parameters.
 */
export function prepareRegisteredStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? names.get(text) : undefined;
    return name && rest.length === 1 ? query({ name, text, values: rest[0] }) : query(text, ...rest);
  }) as typeof client.query;
}
