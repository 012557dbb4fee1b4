/**
 * Storage keys are built from ids only: `{org-<id> | user-<id>}/{category}/{file id}/{version}`.
 * Nothing a user typed (a filename, a path inside an archive) ever reaches a key.
 */
export function versionKey(file: { id: string; org_id: string | null; owner_id: string | null; category: string }, version: number): string {
  const scope = file.org_id ? `org-${file.org_id}` : `user-${file.owner_id}`;
  return `${scope}/${file.category}/${file.id}/${version}`;
}

/** Infected or rejected bytes move here; nothing under this prefix is ever served. */
export function quarantineKey(fileId: string, version: number): string {
  return `quarantine/${fileId}/${version}`;
}

export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Where a pre-signed upload to S3 lands before `complete` copies it to the version's key. A URL
 * replayed later writes only here, never over bytes that were checked and scanned (an S3
 * pre-signed PUT cannot be made conditional on every S3-compatible server). Unreferenced, so the
 * URL stays valid until it expires, and the bucket, not Vitae, answers it: what it writes after its
 * version stopped waiting (completed, expired, its file deleted or erased) is swept by
 * `FileMaintenance.sweepStagedUploads`.
 */
export function stagingKey(fileId: string, version: number): string {
  return `${STAGING_PREFIX}${fileId}/${version}`;
}

export const STAGING_PREFIX = 'staging/';

/** The version a staging key belongs to, or null for a key of another shape. */
export function parseStagingKey(key: string): { fileId: string; version: number } | null {
  const match = /^staging\/([^/]+)\/(\d+)$/.exec(key);
  return match ? { fileId: match[1]!, version: Number(match[2]) } : null;
}
