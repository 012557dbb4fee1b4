import { sql, type Kysely } from 'kysely';

/**
 * An erased candidate keeps no trace of its file: not even the file's sha256, which would still
 * tell whether a given resume had been submitted. Live candidates always have one (the
 * one-resume-per-job index is on live rows only).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE candidates ALTER COLUMN sha256 DROP NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`UPDATE candidates SET sha256 = '' WHERE sha256 IS NULL`.execute(db);
  await sql`ALTER TABLE candidates ALTER COLUMN sha256 SET NOT NULL`.execute(db);
}
