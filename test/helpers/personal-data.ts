import { sql } from 'kysely';
import yauzl from 'yauzl';
import type { TestApp } from './app.ts';

/** Every entry of a ZIP, by name. */
export function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('the export cannot be opened'));
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`${entry.fileName} cannot be read`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Rows, in every table of every schema Vitae writes (the queue's included), whose text contains `needle`: `schema.table` per table. */
export async function rowsContaining(t: TestApp, needle: string): Promise<string[]> {
  const tables = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(t.runtime.db);
  const found: string[] = [];
  for (const table of tables.rows) {
    const result = await sql<{
      count: string;
    }>`SELECT count(*) AS count FROM ${sql.table(`${table.schema}.${table.name}`)} AS r WHERE strpos(lower(r::text), lower(${needle})) > 0`.execute(
      t.runtime.db,
    );
    if (Number(result.rows[0]!.count) > 0) found.push(`${table.schema}.${table.name}`);
  }
  return found;
}

/** Every key in the blob store. */
export async function storedKeys(t: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of t.runtime.store.list('')) keys.push(blob.key);
  return keys;
}

/** Polls `read` until `done` holds for its value (expect.poll is not available in beforeAll), and returns that value. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  if (!done(last)) throw new Error(`still ${JSON.stringify(last)} after ${timeoutMs} ms`);
  return last;
}
