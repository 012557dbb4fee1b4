// A candidate's export of their own data (`POST /me/export`) with 50 files totalling 200 MB: the
// server's resident memory before, at its peak while the export job builds the ZIP and while the
// ZIP is downloaded, the build's and the download's MB/s, and a check of the ZIP (every entry, its
// size and sha256, data.json). The job runs in the server's own process (`vitae serve` with its
// workers, the embedded default), so the server's RSS is the export's.
//
//   node bench/export.ts [--db embedded|system] [--files 50] [--size-mb 4] [--repeat 1]
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';
import { median, startVitae } from './support/vitae-process.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'embedded' },
    files: { type: 'string', default: '50' },
    'size-mb': { type: 'string', default: '4' },
    repeat: { type: 'string', default: '1' },
  },
});
const MB = 1024 * 1024;
const FILES = Number(values.files);
const SIZE = Number(values['size-mb']) * MB;
const TOTAL_MB = (FILES * SIZE) / MB;
const show = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

const results: { before: number; peakBuild: number; peakDownload: number; buildMbps: number; downloadMbps: number }[] = [];
for (let run = 0; run < Number(values.repeat); run++) {
  const vitae = await startVitae({
    db: values.db === 'system' ? 'system' : 'embedded',
    // The default candidate quotas (100 MB, 60 uploads an hour) would refuse the set itself.
    env: { QUOTA_CANDIDATE_BYTES: '0', QUOTA_CANDIDATE_UPLOADS_PER_HOUR: '0' },
  });
  const scratch = await mkdtemp(path.join(tmpdir(), 'vitae-export-bench-'));
  try {
    const candidate = await registerCandidate(vitae.base);
    const uploaded = new Map<string, { size: number; sha256: string }>();
    const uploadStarted = performance.now();
    for (let index = 0; index < FILES; index++) {
      const bytes = coverLetter(index);
      const form = new FormData();
      form.append('category', 'cover_letter');
      form.append('file', new Blob([bytes], { type: 'text/plain' }), `letter-${index}.txt`);
      const response = await fetch(`${vitae.base}/files`, { method: 'POST', headers: candidate, body: form });
      if (response.status !== 201) throw new Error(`upload ${index} answered ${response.status}: ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      uploaded.set(id, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    for (const id of uploaded.keys()) await waitFor(async () => (await getJson(`${vitae.base}/files/${id}`, candidate)).status === 'clean');
    console.error(`run ${run + 1}: ${FILES} files of ${show(SIZE)} uploaded and clean in ${((performance.now() - uploadStarted) / 1000).toFixed(1)} s`);

    // Settle: the scans' and uploads' garbage collected as far as V8 does on its own.
    await sleep(5000);
    const before = await vitae.rss();
    const buildSampler = vitae.sampleRss();
    const buildStarted = performance.now();
    const started = await fetch(`${vitae.base}/me/export`, { method: 'POST', headers: candidate });
    if (started.status !== 202) throw new Error(`POST /me/export answered ${started.status}: ${await started.text()}`);
    const { id: exportId } = (await started.json()) as { id: string };
    let exported: { status: string; size: number; download_url?: string } = { status: 'pending', size: 0 };
    await waitFor(async () => {
      exported = await getJson(`${vitae.base}/me/exports/${exportId}`, candidate);
      if (exported.status === 'failed') throw new Error('the export failed');
      return exported.status === 'ready';
    }, 50);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const peakBuild = await buildSampler.stop();

    const zipPath = path.join(scratch, 'export.zip');
    const downloadSampler = vitae.sampleRss();
    const downloadStarted = performance.now();
    const download = await fetch(exported.download_url!);
    if (!download.ok || !download.body) throw new Error(`the download answered ${download.status}`);
    await pipeline(Readable.fromWeb(download.body), createWriteStream(zipPath));
    const downloadSeconds = (performance.now() - downloadStarted) / 1000;
    const peakDownload = await downloadSampler.stop();
    const zipSize = (await stat(zipPath)).size;
    if (zipSize !== exported.size) throw new Error(`the ZIP has ${zipSize} bytes, the export says ${exported.size}`);

    await verify(zipPath, uploaded);
    const result = {
      before,
      peakBuild,
      peakDownload,
      buildMbps: TOTAL_MB / buildSeconds,
      downloadMbps: zipSize / MB / downloadSeconds,
    };
    results.push(result);
    console.error(
      `run ${run + 1}: RSS before ${show(before)}, peak while building ${show(peakBuild)} (+${show(peakBuild - before)}), ` +
        `while downloading ${show(peakDownload)} (+${show(peakDownload - before)}); build ${buildSeconds.toFixed(1)} s = ${result.buildMbps.toFixed(0)} MB/s, ` +
        `download ${result.downloadMbps.toFixed(0)} MB/s; ZIP ${show(zipSize)}, ${FILES + 1} entries verified`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await vitae.stop();
  }
}

const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
const growth = Math.max(
  m((r) => r.peakBuild - r.before),
  m((r) => r.peakDownload - r.before),
);
console.log(
  `| export of ${FILES} files, ${TOTAL_MB} MB (${values.db}) | RSS before ${show(m((r) => r.before))} | peak building ${show(m((r) => r.peakBuild))}, downloading ${show(m((r) => r.peakDownload))} | growth +${show(growth)} | build ${m((r) => r.buildMbps).toFixed(0)} MB/s | download ${m((r) => r.downloadMbps).toFixed(0)} MB/s |`,
);

/**
 * A plain-text file of SIZE bytes: lines of base64 of random bytes, so that the ZIP's deflate
 * cannot shrink it to nothing (real PDFs and DOCX are mostly compressed already).
 */
function coverLetter(index: number): Buffer {
  const text =
    `Letter ${index}\n` +
    (
      randomBytes(SIZE)
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\n');
  return Buffer.from(text.slice(0, SIZE));
}

async function registerCandidate(base: string): Promise<Record<string, string>> {
  const response = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'applicant@example.test', password: 'quiet lantern orbit 42', name: 'Applicant', role: 'candidate' }),
  });
  if (response.status !== 201) throw new Error(`registering the candidate answered ${response.status}: ${await response.text()}`);
  return { authorization: `Bearer ${((await response.json()) as { access_token: string }).access_token}` };
}

async function getJson<T = { status?: string }>(url: string, headers: Record<string, string>): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function waitFor(check: () => Promise<boolean>, intervalMs = 200, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(intervalMs);
  }
}

/** Every uploaded file under `files/{id}/` with its size and sha256, and a data.json that lists them all. */
async function verify(zipPath: string, uploaded: Map<string, { size: number; sha256: string }>): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true }, (error, file) => (error || !file ? reject(error ?? new Error('no zip file')) : resolve(file))),
  );
  const seen = new Set<string>();
  let data: { files?: { id: string }[] } | undefined;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('no entry stream'));
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          if (entry.fileName === 'data.json') chunks.push(chunk);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          if (entry.fileName === 'data.json') data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof data;
          else {
            const id = /^files\/([^/]+)\//.exec(entry.fileName)?.[1];
            const expected = id ? uploaded.get(id) : undefined;
            if (!expected) return reject(new Error(`unexpected entry ${entry.fileName}`));
            if (size !== expected.size || hash.digest('hex') !== expected.sha256) return reject(new Error(`${entry.fileName} differs from its upload`));
            seen.add(id!);
          }
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  if (!data) throw new Error('no data.json in the ZIP');
  if (seen.size !== uploaded.size) throw new Error(`${seen.size} of ${uploaded.size} files in the ZIP`);
  const listed = new Set((data.files ?? []).map((file) => file.id));
  for (const id of uploaded.keys()) if (!listed.has(id)) throw new Error(`data.json does not list file ${id}`);
}
