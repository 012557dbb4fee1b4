import { connectForCommand } from '../db/connection.ts';
import { loadSecrets } from '../secrets.ts';
import { createBackup } from '../services/backup/backup.ts';
import { createBlobStore } from '../storage/index.ts';
import { mebibytes, progressLine } from './progress.ts';
import type { Command } from './types.ts';

/**
 * `vitae backup DIR [--copy-blobs]`: the database and the blobs, while `vitae serve` runs. Local
 * blobs are always copied; S3 blobs only with --copy-blobs (else the backup lists each key with its
 * digest, and relies on the bucket's own versioning or replication for the bytes).
 */
export const backup: Command = {
  options: { 'copy-blobs': { type: 'boolean', default: false } },
  positionals: 1,
  async run({ config, args, positionals }) {
    const connection = await connectForCommand(config);
    const secrets = await loadSecrets(config);
    const store = await createBlobStore(config, secrets);
    const progress = progressLine(({ blobs, bytes }) => `blobs: ${blobs}, ${mebibytes(bytes)}`);
    try {
      const report = await createBackup({
        directory: positionals[0]!,
        databaseUrl: connection.url,
        store,
        secrets,
        copyBlobs: store.driver === 'local' || args['copy-blobs'] === true,
        progress: progress.update,
      });
      progress.done();
      const { manifest } = report;
      console.log(`Backed up ${manifest.tables.length} tables (migration ${manifest.versions.migration}, PostgreSQL ${manifest.versions.postgres}).`);
      console.log(
        `${manifest.blobs.copied ? 'Copied' : 'Listed (not copied)'} ${manifest.blobs.count} blobs, ${mebibytes(manifest.blobs.bytes)}, from the ${manifest.blobs.driver} store.`,
      );
      if (report.vanished.length) console.log(`${report.vanished.length} blobs were deleted while the backup ran (purged or erased) and are not in it.`);
      return 0;
    } finally {
      await store.close?.();
      await connection.release();
    }
  },
};
