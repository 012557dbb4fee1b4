import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { sql } from 'kysely';
import { createRuntime, type Runtime } from '../runtime.ts';
import { S3BlobStore } from '../storage/s3.ts';
import type { Command } from './types.ts';

interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/** The first thing a new operator runs: can Vitae reach and use its database and blob store? */
export const doctor: Command = {
  options: {},
  async run({ config, logger }) {
    const results: CheckResult[] = [];
    let runtime: Runtime | undefined;
    try {
      runtime = await createRuntime(config, logger, { startEmbeddedDatabase: 'unless-running', migrate: false });
      results.push(await attempt('database', async () => {
        const { rows } = await sql<{ version: string }>`select version()`.execute(runtime!.db);
        return rows[0]?.version.split(',')[0] ?? 'connected';
      }));
      results.push(await attempt('blob store round trip', () => roundTrip(runtime!)));
      if (runtime.store instanceof S3BlobStore) results.push(...(await bucketChecks(runtime.store)));
    } catch (error) {
      results.push({ check: 'start-up', ok: false, detail: error instanceof Error ? error.message : String(error) });
    } finally {
      await runtime?.close();
    }
    printTable(results);
    return results.every((r) => r.ok) ? 0 : 1;
  },
};

async function roundTrip(runtime: Runtime): Promise<string> {
  const key = `doctor/${randomUUID()}`;
  const payload = `vitae doctor ${new Date().toISOString()}`;
  await runtime.store.put(key, Readable.from([Buffer.from(payload)]), { contentType: 'text/plain', contentLength: Buffer.byteLength(payload) });
  try {
    const read = await text(await runtime.store.get(key));
    if (read !== payload) throw new Error('read back different bytes');
  } finally {
    await runtime.store.delete(key);
  }
  if (await runtime.store.exists(key)) throw new Error('object still exists after delete');
  return `write, read and delete on ${runtime.store.driver}`;
}

async function bucketChecks(store: S3BlobStore): Promise<CheckResult[]> {
  const info = await store.describeBucket();
  return [
    { check: 'bucket exists', ok: info.exists, detail: info.exists ? 'yes' : 'the bucket does not exist (create it, or fix S3_BUCKET)' },
    {
      check: 'default encryption',
      ok: info.encryption !== null,
      detail: info.encryption ?? 'none reported (Vitae still requests SSE on every write; enable default encryption on the bucket)',
    },
    ...(info.publicAccessBlocked === null
      ? []
      : [{ check: 'public access block', ok: info.publicAccessBlocked, detail: info.publicAccessBlocked ? 'all public access blocked' : 'public access is not fully blocked' }]),
  ];
}

async function attempt(check: string, run: () => Promise<string>): Promise<CheckResult> {
  try {
    return { check, ok: true, detail: await run() };
  } catch (error) {
    return { check, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function printTable(results: CheckResult[]): void {
  const width = Math.max(...results.map((r) => r.check.length), 5);
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.check.padEnd(width)}  ${r.detail}`);
}
