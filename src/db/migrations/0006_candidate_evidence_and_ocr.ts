import { sql, type Kysely } from 'kysely';

/**
 * What a recruiter needs to see why a candidate was parsed as it was: for each skill, the section
 * and the line it was found in (`skill_evidence`), whether the phone number is valid or kept as
 * printed (`phone_valid`), and whether the fields were read by OCR from page images
 * (`text_source`). Skills also keep their broader parents (`skill_parents`), so that a search
 * for Spring finds Spring Boot without folding one into the other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE candidates
      ADD COLUMN phone_valid boolean,
      ADD COLUMN skill_evidence jsonb,
      ADD COLUMN skill_parents text[] NOT NULL DEFAULT '{}',
      ADD COLUMN text_source text CHECK (text_source IN ('text', 'ocr'))
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE candidates DROP COLUMN phone_valid, DROP COLUMN skill_evidence, DROP COLUMN skill_parents, DROP COLUMN text_source`.execute(db);
}
