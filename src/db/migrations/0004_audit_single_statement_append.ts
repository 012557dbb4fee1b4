import { sql, type Kysely } from 'kysely';

/**
 * An audit append is one statement: it advances the chain head and inserts the entry together,
 * computing the hash in PostgreSQL. The head keeps the hash it replaced (`prev_hash`) because
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` returns only the new row, and the entry must
 * record its predecessor's hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_chain_heads ADD COLUMN prev_hash text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_chain_heads DROP COLUMN prev_hash`.execute(db);
}
