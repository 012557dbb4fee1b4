import { open } from 'node:fs/promises';

/**
 * fsync of a directory: after a rename, unlink or create, the directory entry itself must reach
 * the disk for the change to survive a crash (used by the local blob store and the embedded
 * PostgreSQL's first start).
 */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
