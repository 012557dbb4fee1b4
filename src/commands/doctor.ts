import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { sql } from 'kysely';
import { createRuntime, type Runtime } from '../runtime.ts';
import { verifyStoredBlobs } from '../services/files/blob-integrity.ts';
import { S3BlobStore } from '../storage/s3.ts';
import type { Command } from './types.ts';

interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

const DEFAULT_SAMPLE = 100;
/** Problems printed one per line; the count says how many more there are. */
const LISTED_PROBLEMS = 50;

/**
 * The first thing a new operator runs: can Vitae reach and use its database and blob store?
 * Beside a running `vitae serve` it attaches to that server's database. `--verify-blobs` also
 * re-hashes stored files against the SHA-256 recorded at upload.
 */
export const doctor: Command = {
  options: { 'verify-blobs': { type: 'string' } },
  bareValues: { 'verify-blobs': String(DEFAULT_SAMPLE) },
  async run({ config, logger, args }) {
    const verify = blobScope(args['verify-blobs']);
    if (verify === 'invalid') {
      console.error('Usage: vitae doctor [--verify-blobs[=all|N]]');
      return 2;
    }
    const results: CheckResult[] = [];
    let runtime: Runtime | undefined;
    try {
      runtime = await createRuntime(config, logger, { startEmbeddedDatabase: 'unless-running', migrate: false });
      results.push(
        await attempt('database', async () => {
          const { rows } = await sql<{ version: string }>`select version()`.execute(runtime!.db);
          return rows[0]?.version.split(',')[0] ?? 'connected';
        }),
      );
      results.push(await attempt('blob store round trip', () => roundTrip(runtime!)));
      if (runtime.store instanceof S3BlobStore) results.push(...(await bucketChecks(runtime.store)));
      if (verify) results.push(...(await blobChecks(runtime, verify)));
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

function blobScope(value: string | boolean | undefined): { sample: number } | 'all' | null | 'invalid' {
  if (value === undefined) return null;
  if (value === 'all') return 'all';
  const sample = Number(value);
  return Number.isInteger(sample) && sample > 0 ? { sample } : 'invalid';
}

async function blobChecks(runtime: Runtime, scope: { sample: number } | 'all'): Promise<CheckResult[]> {
  let verification;
  try {
    verification = await verifyStoredBlobs(runtime, scope);
  } catch (error) {
    return [{ check: 'stored blobs', ok: false, detail: error instanceof Error ? error.message : String(error) }];
  }
  const { checked, total, problems } = verification;
  const summary = {
    check: 'stored blobs',
    ok: problems.length === 0,
    detail: `${checked} of ${total} committed file versions re-hashed${scope === 'all' ? '' : ' (a random sample)'}: ${problems.length ? `${problems.length} do not match` : 'all match their SHA-256'}`,
  };
  const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => ({
    check: `blob ${problem.fileId} v${problem.version}`,
    ok: false,
    detail: `${problem.problem === 'missing' ? 'missing from the store' : 'its bytes no longer match the SHA-256 recorded at upload'} (${problem.key})`,
  }));
  const more = problems.length > LISTED_PROBLEMS ? [{ check: 'stored blobs', ok: false, detail: `and ${problems.length - LISTED_PROBLEMS} more` }] : [];
  return [summary, ...listed, ...more];
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
      : [
          {
            check: 'public access block',
            ok: info.publicAccessBlocked,
            detail: info.publicAccessBlocked ? 'all public access blocked' : 'public access is not fully blocked',
          },
        ]),
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
