import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';

export interface BlobProblem {
  fileId: string;
  version: number;
  key: string;
  problem: 'missing' | 'sha256 mismatch';
}

export interface BlobVerification {
  /** Versions whose bytes were read and hashed. */
  checked: number;
  /** Versions with committed bytes in the store. */
  total: number;
  problems: BlobProblem[];
}

interface CommittedVersion {
  file_id: string;
  version: number;
  storage_key: string;
  sha256: string;
}

const PAGE = 500;
const PARALLEL_READS = 4;

/**
 * Re-reads committed blobs and compares their SHA-256 with the one recorded when they were
 * checked at upload: bytes changed or removed behind Vitae's back (on the disk, in the bucket) are
 * found before a download or a restore needs them. `sample`: that many versions picked at random;
 * 'all': every one. Quarantined copies are left out (never served); a version whose file is erased
 * meanwhile is not reported.
 */
export async function verifyStoredBlobs(deps: { db: Db; store: BlobStore }, scope: { sample: number } | 'all'): Promise<BlobVerification> {
  const { db, store } = deps;
  const committed = () =>
    db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .where('files.erased_at', 'is', null)
      .where('file_versions.status', '!=', 'pending_upload')
      .where('file_versions.quarantine_key', 'is', null)
      .where('file_versions.sha256', 'is not', null);
  const { n } = await committed()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const result: BlobVerification = { checked: 0, total: Number(n), problems: [] };
  const columns = ['file_versions.file_id', 'file_versions.version', 'file_versions.storage_key', 'file_versions.sha256'] as const;

  const verifyPage = async (versions: CommittedVersion[]) => {
    for (let i = 0; i < versions.length; i += PARALLEL_READS) {
      const found = await Promise.all(versions.slice(i, i + PARALLEL_READS).map((version) => verifyOne(store, version)));
      for (const problem of found) if (problem && (await stillCommitted(db, problem))) result.problems.push(problem);
    }
    result.checked += versions.length;
  };

  if (scope !== 'all') {
    const picked = await committed()
      .select(columns)
      .orderBy(sql`random()`)
      .limit(scope.sample)
      .execute();
    await verifyPage(picked as CommittedVersion[]);
    return result;
  }
  let after: { fileId: string; version: number } | null = null;
  for (;;) {
    let page = committed().select(columns).orderBy('file_versions.file_id').orderBy('file_versions.version').limit(PAGE);
    if (after) {
      const { fileId, version } = after;
      page = page.where((eb) =>
        eb.or([eb('file_versions.file_id', '>', fileId), eb.and([eb('file_versions.file_id', '=', fileId), eb('file_versions.version', '>', version)])]),
      );
    }
    const versions = (await page.execute()) as CommittedVersion[];
    if (versions.length === 0) return result;
    await verifyPage(versions);
    const last = versions.at(-1)!;
    after = { fileId: last.file_id, version: last.version };
  }
}

async function verifyOne(store: BlobStore, version: CommittedVersion): Promise<BlobProblem | null> {
  const where = { fileId: version.file_id, version: version.version, key: version.storage_key };
  const hash = createHash('sha256');
  try {
    for await (const chunk of await store.get(version.storage_key)) hash.update(chunk as Buffer);
  } catch (error) {
    if (error instanceof BlobNotFound) return { ...where, problem: 'missing' };
    throw error;
  }
  return hash.digest('hex') === version.sha256 ? null : { ...where, problem: 'sha256 mismatch' };
}

/** Erased, quarantined or replaced while it was read: not a fault of the store. */
async function stillCommitted(db: Db, problem: BlobProblem): Promise<boolean> {
  const row = await db
    .selectFrom('file_versions')
    .innerJoin('files', 'files.id', 'file_versions.file_id')
    .select('file_versions.version')
    .where('file_versions.file_id', '=', problem.fileId)
    .where('file_versions.version', '=', problem.version)
    .where('file_versions.storage_key', '=', problem.key)
    .where('file_versions.quarantine_key', 'is', null)
    .where('files.erased_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
