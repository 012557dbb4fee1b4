import { sql, type SelectQueryBuilder, type StringReference } from 'kysely';
import { decodeCursor, slicePage, type Page } from '../domain/pagination.ts';

/** The key of a list: a timestamp column and the id that orders the rows of one instant. */
export interface KeysetColumns<DB, TB extends keyof DB> {
  at: StringReference<DB, TB>;
  id: StringReference<DB, TB>;
}

/** The columns this helper adds to the query to build the next cursor; removed from the rows. */
interface KeysetRow {
  keyset_at: string;
  keyset_id: string;
}

/**
 * One page of a list, newest first by (at, id): the rows after `cursor` (a cursor this function
 * returned, or none for the first page), at most `limit` of them, and the cursor of the next page.
 *
 * The row comparison `(at, id) < (cursor)` walks the (…, at DESC, id DESC) indexes. The cursor
 * holds the timestamp as PostgreSQL prints it, to the microsecond, so rows that share a
 * millisecond are neither skipped nor repeated whatever the column's precision.
 */
export async function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: KeysetColumns<DB, TB>,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<O>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  const at = sql.ref(columns.at);
  const id = sql.ref(columns.id);
  const rows = (await query
    .$if(after !== null, (q) => q.where(sql<boolean>`(${at}, ${id}) < (${after!.at}::timestamptz, ${after!.id}::uuid)`))
    .select([sql<string>`to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('keyset_at'), sql<string>`${id}::text`.as('keyset_id')])
    .orderBy(at, 'desc')
    .orderBy(id, 'desc')
    .limit(page.limit + 1)
    .execute()) as Array<O & KeysetRow>;
  const { items, next_cursor } = slicePage(rows, page.limit, (row) => ({ at: row.keyset_at, id: row.keyset_id }));
  return { items: items.map(withoutKey), next_cursor };
}

function withoutKey<O>(row: O & KeysetRow): O {
  const { keyset_at: _at, keyset_id: _id, ...rest } = row;
  // What is left is the row the caller selected: the rest of `O & KeysetRow` without KeysetRow's keys.
  return rest as unknown as O;
}
