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
