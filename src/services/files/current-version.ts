import type { Executor } from '../../db/database.ts';
import type { FileVersionRow } from '../../db/schema.ts';

/**
 * A file shows its current version: the newest clean one, or the newest one while none is clean
 * (a resume whose update is still being scanned keeps offering the previous clean version).
 * Called in the transaction of every version change, after the change.
 *
 * The file's row is locked before its versions are read: two scans of one file's versions that
 * finish together would otherwise each read the other's version as still scanning, and the one
 * that commits last would set the file back to the older version for good.
 */
export async function refreshFileFromVersions(tx: Executor, fileId: string): Promise<void> {
  const file = await tx.selectFrom('files').select(['deleted_at']).where('id', '=', fileId).forUpdate().executeTakeFirstOrThrow();
  const versions = await tx.selectFrom('file_versions').selectAll().where('file_id', '=', fileId).orderBy('version', 'desc').execute();
  const newest = versions[0];
  if (!newest) return;
  const current: FileVersionRow = versions.find((v) => v.status === 'clean') ?? newest;
  await tx
    .updateTable('files')
    .set({
      version: current.version,
      latest_version: newest.version,
      // A deleted file stays deleted whatever happens to its versions.
      status: file.deleted_at ? 'deleted' : current.status,
      status_reason: current.status_reason,
      content_type: current.content_type,
      size: current.size ?? current.declared_size,
      sha256: current.sha256,
      filename: current.filename,
      scan: current.scan ? JSON.stringify(current.scan) : null,
      scanned_at: current.scanned_at,
      updated_at: new Date(),
    })
    .where('id', '=', fileId)
    .execute();
}
