import { sql, type Kysely } from 'kysely';

/**
 * Cursor pagination orders by (created_at, id) and carries created_at in the cursor as a
 * JavaScript date, which has millisecond precision. PostgreSQL's now() has microseconds, so a row
 * created in the same millisecond as a page's last row, but earlier, fell between two pages. The
 * paginated timestamps are now stored in whole milliseconds, so the cursor holds them exactly and
 * rows of one millisecond are ordered by id.
 */
const PAGINATED = [
  ['files', 'created_at'],
  ['api_keys', 'created_at'],
  ['memberships', 'created_at'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of PAGINATED) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET DEFAULT date_trunc('milliseconds', now())`.execute(db);
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = date_trunc('milliseconds', ${sql.ref(column)}) WHERE ${sql.ref(column)} <> date_trunc('milliseconds', ${sql.ref(column)})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of PAGINATED) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET DEFAULT now()`.execute(db);
  }
}
