import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { DependencyUnavailable } from '../errors.ts';
import { prepareRegisteredStatements } from './prepared.ts';
import type { Database } from './schema.ts';

// BIGINT (e.g. counts) as numbers; safe for the sizes we store (< 2^53).
pg.types.setTypeParser(20, (value) => Number(value));
// NUMERIC (scores, years of experience) as numbers; they are small and need no exact decimals.
pg.types.setTypeParser(1700, (value) => Number(value));

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: services accept both. */
export type Executor = Db | Tx;

export function createDb(connectionString: string, poolSize: number): Db {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Fail fast when the database is down so that requests answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor a checked-out one (a transaction between two statements): the pool listens only to idle
  // clients, and an 'error' nobody listens to is an uncaught exception. The statement that runs
  // on the lost connection fails with the error, which is where it is handled.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareRegisteredStatements(client);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Runs raw SQL through a Kysely executor (for pg-boss's `db` option and the odd statement Kysely can't express). */
export async function executeSql(db: Executor, text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
  const result = await db.executeQuery(CompiledQuery.raw(text, values));
  return { rows: result.rows };
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08003',
  '08006',
]);

/** True when an error means "the database cannot be reached", as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|not currently accepting connections|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}

export function databaseUnavailable(cause: unknown): DependencyUnavailable {
  return new DependencyUnavailable('database', 'The database is unavailable.', cause);
}
