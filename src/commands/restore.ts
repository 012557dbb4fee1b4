import { connectForCommand } from '../db/connection.ts';
import { loadSecrets } from '../secrets.ts';
import { InvalidBackup } from '../services/backup/manifest.ts';
import { restoreBackup, RestoreRefused } from '../services/backup/restore.ts';
import { createBlobStore } from '../storage/index.ts';
import { mebibytes, progressLine } from './progress.ts';
import type { Command } from './types.ts';

/**
 * `vitae restore DIR [--force]`, with `vitae serve` stopped: into the configured database and blob
 * store, which must be empty unless --force. Exits 1 when the backup is damaged, the target is
 * refused, or a blob could not be restored or verified.
 */
export const restore: Command = {
  options: { force: { type: 'boolean', default: false } },
  positionals: 1,
  async run({ config, args, positionals }) {
    const connection = await connectForCommand(config);
    const secrets = await loadSecrets(config);
    const store = await createBlobStore(config, secrets);
    const progress = progressLine(({ blobs, bytes }) => `blobs: ${blobs}, ${mebibytes(bytes)}`);
    try {
      const report = await restoreBackup({
        directory: positionals[0]!,
        databaseUrl: connection.url,
        store,
        secrets,
        force: args.force === true,
        progress: progress.update,
      });
      progress.done();
      const { manifest } = report;
      console.log(
        `Restored ${report.tables} tables from a backup of ${manifest.createdAt} (Vitae ${manifest.versions.vitae}, migration ${manifest.versions.migration}).`,
      );
      console.log(
        manifest.blobs.copied
          ? `Restored ${report.blobs} blobs into the ${store.driver} store${report.unchanged ? `, ${report.unchanged} already there unchanged` : ''}.`
          : `Verified ${report.blobs} blobs still in the ${store.driver} store.`,
      );
      for (const warning of report.secretWarnings) console.error(`WARNING  ${warning}`);
      for (const problem of report.problems.slice(0, 20)) console.error(`FAILED  ${problem}`);
      if (report.problems.length) {
        console.error(`${report.problems.length} blobs were not restored: the restore is incomplete.`);
        return 1;
      }
      console.log('Start `vitae serve`: it applies the migrations newer than the backup, if any.');
      return 0;
    } catch (error) {
      if (!(error instanceof RestoreRefused || error instanceof InvalidBackup)) throw error;
      console.error(error.message);
      return 1;
    } finally {
      await store.close?.();
      await connection.release();
    }
  },
};
