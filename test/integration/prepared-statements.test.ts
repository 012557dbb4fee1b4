import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/database.ts';
import { preparedStatement } from '../../src/db/prepared.ts';
import { createTestDatabase } from '../helpers/databases.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 1); // one connection: every statement below runs on it
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const REGISTERED = preparedStatement('SELECT $1::int + 1 AS next -- registered');
const prepared = async () =>
  (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql`.execute(db)).rows.map((row) => row.statement);

it('runs a registered text as a statement prepared once on its connection, and other texts as they are', async () => {
  for (const n of [1, 2, 3]) {
    const { rows } = await db.executeQuery<{ next: number }>(CompiledQuery.raw(REGISTERED, [n]));
    expect(rows).toEqual([{ next: n + 1 }]);
  }
  await db.executeQuery(CompiledQuery.raw('SELECT $1::int AS same -- not registered', [1]));
  expect(await prepared()).toEqual([REGISTERED]);
});

it('prepares again on a new connection', async () => {
  await db.destroy();
  db = createDb(database.url, 1);
  expect(await prepared()).toEqual([]);
  expect((await db.executeQuery<{ next: number }>(CompiledQuery.raw(REGISTERED, [41]))).rows).toEqual([{ next: 42 }]);
  expect(await prepared()).toEqual([REGISTERED]);
});
