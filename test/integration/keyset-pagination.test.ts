import fc from 'fast-check';
import { Kysely, PostgresDialect, sql, type ColumnType } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keysetPage } from '../../src/db/keyset.ts';
import { createTestDatabase } from '../helpers/databases.ts';

// Every list pages through keysetPage. Walking all pages must return each row exactly once, in
// order, however the rows share timestamps: several in one millisecond (PostgreSQL keeps
// microseconds, a JavaScript Date does not), several in one microsecond (one transaction's now()).
interface Rows {
  rows: { id: string; at: ColumnType<Date, string>; org: number };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Rows>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Kysely<Rows>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }) });
  await sql`CREATE TABLE rows (id uuid PRIMARY KEY, at timestamptz NOT NULL, org int NOT NULL)`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** Timestamps within a few milliseconds of one another, to the microsecond or to the millisecond. */
const instant = fc
  .record({ millis: fc.integer({ min: 0, max: 3 }), micros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999 })) })
  .map(({ millis, micros }) => `2026-03-01T12:00:00.00${millis}${String(micros).padStart(3, '0')}Z`);
const row = fc.record({ id: fc.uuid().map((id) => id.toLowerCase()), at: instant, org: fc.integer({ min: 1, max: 2 }) });

it('returns every row exactly once, newest first, across pages of any size', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (rows, limit) => {
      await sql`TRUNCATE rows`.execute(db);
      if (rows.length > 0) await db.insertInto('rows').values(rows).execute();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThanOrEqual(rows.length);
        const query = db.selectFrom('rows').select(['id', 'org']).where('org', '=', 1);
        const page = await keysetPage(query, { at: 'at', id: 'id' }, { limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        // The helper's own columns do not leak into the rows.
        for (const item of page.items) expect(Object.keys(item).sort()).toEqual(['id', 'org']);
        seen.push(...page.items.map((item) => item.id));
        if (page.next_cursor === null) break;
        cursor = page.next_cursor;
      }
      // Timestamps of one width compare as text; ids compare as PostgreSQL compares uuids (bytes).
      const expected = rows
        .filter((r) => r.org === 1)
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
        .map((r) => r.id);
      expect(seen).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});

it('keeps rows written by one transaction, which share now() to the microsecond, apart by id', async () => {
  await sql`TRUNCATE rows`.execute(db);
  await sql`INSERT INTO rows SELECT gen_random_uuid(), now(), 1 FROM generate_series(1, 25)`.execute(db);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await keysetPage(db.selectFrom('rows').select('id'), { at: 'at', id: 'id' }, { limit: 4, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const all = await db.selectFrom('rows').select('id').orderBy('id', 'desc').execute();
  expect(ids).toEqual(all.map((r) => r.id));
});
