// Blob store throughput: streamed put and get of 1 MB, 10 MB and 200 MB objects on the local and
// S3 adapters (S3 against s3rver on loopback), next to a plain fs stream copy (file → file) on the
// same disk. Every figure is the median of --runs (default 5). Prints a markdown table.
// Run: node bench/storage.ts [--runs 5] [--sizes 1,10,200]
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { LocalBlobStore } from '../src/storage/local.ts';
import { S3BlobStore } from '../src/storage/s3.ts';
import { startS3rver } from '../test/helpers/s3rver.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '1,10,200' } } });
const runs = Number(values.runs);
const sizes = values.sizes.split(',').map(Number);
const MB = 1024 * 1024;

const dir = await mkdtemp(path.join(tmpdir(), 'vitae-bench-storage-'));
const s3rver = await startS3rver({ buckets: ['bench'] });
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';

const stores: Record<string, BlobStore> = {
  local: new LocalBlobStore({ root: path.join(dir, 'blobs'), publicUrl: 'http://127.0.0.1', signingSecret: randomBytes(32).toString('hex') }),
  s3: new S3BlobStore({ driver: 's3', bucket: 'bench', region: 'us-east-1', endpoint: s3rver.endpoint, forcePathStyle: true, sse: 'AES256', maxAttempts: 3 }),
};

/** MB/s of one timed run. */
async function throughput(bytes: number, run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return bytes / MB / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const rows: string[] = [];
try {
  const admin = new S3Client({ endpoint: s3rver.endpoint, region: 'us-east-1', forcePathStyle: true });
  await admin.send(new CreateBucketCommand({ Bucket: 'bench' })).catch(() => {}); // configured at start-up already
  admin.destroy();

  for (const size of sizes) {
    const bytes = size * MB;
    const source = path.join(dir, `source-${size}`);
    await writeFile(source, randomBytes(bytes));
    // A fresh target each time: truncating a file whose pages are still being written back stalls.
    let targets = 0;
    const copyTo = async (stream: Readable, flush = false) => {
      const target = path.join(dir, `target-${(targets += 1)}`);
      await pipeline(stream, createWriteStream(target, { flush }));
      return target;
    };
    const figures: Record<string, number[]> = { baseline: [], 'baseline fsync': [], 'local put': [], 'local get': [], 's3 put': [], 's3 get': [] };
    for (let i = 0; i < runs; i += 1) {
      // Interleaved, so that a burst of noise on the machine hits every column alike.
      figures.baseline!.push(await throughput(bytes, () => copyTo(createReadStream(source))));
      // The same copy made durable, as every local put is: the price of the fsync on this disk.
      figures['baseline fsync']!.push(await throughput(bytes, () => copyTo(createReadStream(source), true)));
      for (const [name, store] of Object.entries(stores)) {
        const key = `bench/${size}/${i}`;
        figures[`${name} put`]!.push(await throughput(bytes, () => store.put(key, createReadStream(source), { contentLength: bytes })));
        figures[`${name} get`]!.push(await throughput(bytes, async () => copyTo(await store.get(key))));
        await store.delete(key);
      }
      for (let n = 1; n <= targets; n += 1) await rm(path.join(dir, `target-${n}`), { force: true });
      targets = 0;
    }
    const m = Object.fromEntries(Object.entries(figures).map(([name, xs]) => [name, median(xs)])) as Record<string, number>;
    const pct = (name: string) => `${Math.round((m[name]! / m.baseline!) * 100)}%`;
    const cell = (name: string) => `${m[name]!.toFixed(0)} (${pct(name)})`;
    rows.push(
      `| ${size} MB | ${m.baseline!.toFixed(0)} | ${cell('baseline fsync')} | ${cell('local put')} | ${cell('local get')} | ${cell('s3 put')} | ${cell('s3 get')} |`,
    );
    await rm(source);
  }
} finally {
  for (const store of Object.values(stores)) await store.close?.();
  await s3rver.stop();
  await rm(dir, { recursive: true, force: true });
}

console.log(`MB/s, median of ${runs} runs (in parentheses: share of the fs baseline)\n`);
console.log('| object | fs copy (baseline) | fs copy + fsync | local put | local get | S3 put (s3rver) | S3 get (s3rver) |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
