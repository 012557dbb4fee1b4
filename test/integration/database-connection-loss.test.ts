import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/database.ts';
import { createTestDatabase } from '../helpers/databases.ts';

// A connection lost while a transaction holds it between two statements (PostgreSQL restarted,
// or an administrator ended the session) must fail that transaction, not the whole process.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let admin: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
  admin = createDb(database.url, 1);
});
afterAll(async () => {
  await db?.destroy();
  await admin?.destroy();
  await database?.drop();
});

it('fails the transaction whose connection was terminated, without an uncaught exception', async () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    const transaction = db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(admin);
      // The connection's 'error' event arrives between the two statements.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`SELECT 1`.execute(tx);
    });
    await expect(transaction).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
    // The pool replaces the lost connection.
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  } finally {
    process.off('uncaughtException', record);
  }
});
