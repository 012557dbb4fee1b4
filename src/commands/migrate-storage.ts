import { loadConfig, loadEnv } from '../config.ts';
import { loadSecrets } from '../secrets.ts';
import { migrateStorage } from '../services/storage/migrate-storage.ts';
import { createBlobStore } from '../storage/index.ts';
import { mebibytes, progressLine } from './progress.ts';
import type { Command } from './types.ts';

const USAGE = 'Usage: vitae migrate-storage --to s3|local [--limit N]';

/**
 * `vitae migrate-storage --to s3`: copies every blob from the store STORAGE_DRIVER names to the
 * other one, configured by the same variables it would be run with (S3_BUCKET, S3_ENDPOINT… for
 * s3; LOCAL_STORAGE_ROOT for local). Switching STORAGE_DRIVER afterwards is the operator's step.
 */
export const migrateStorageCommand: Command = {
  options: { to: { type: 'string' }, limit: { type: 'string' } },
  async run({ config, args }) {
    const to = args.to;
    const limit = args.limit === undefined ? undefined : Number(args.limit);
    if ((to !== 's3' && to !== 'local') || (limit !== undefined && !(Number.isInteger(limit) && limit > 0))) {
      console.error(USAGE);
      return 2;
    }
    if (to === config.storage.driver) {
      console.error(`STORAGE_DRIVER is already ${to}: the source is the store Vitae runs on now, the target the other one.`);
      return 2;
    }
    const targetConfig = loadConfig({ ...loadEnv(), STORAGE_DRIVER: to });
    const secrets = await loadSecrets(config);
    const source = await createBlobStore(config, secrets);
    const target = await createBlobStore(targetConfig, secrets);
    const progress = progressLine(({ blobs, bytes }) => `objects: ${blobs} done, ${mebibytes(bytes)} copied`);
    try {
      await target.check();
      const report = await migrateStorage({ source, target, ...(limit ? { limit } : {}), progress: progress.update });
      progress.done();
      console.log(
        `Copied ${report.copied} objects (${mebibytes(report.bytes)}) from ${source.driver} to ${target.driver}` +
          `${report.replaced ? `, ${report.replaced} of them replacing different bytes` : ''}; ${report.present} already there with the same sha256` +
          `${report.vanished ? `; ${report.vanished} deleted from the source meanwhile` : ''}.`,
      );
      for (const key of report.failed.slice(0, 20)) console.error(`FAILED  ${key}: the copy did not read back with the source's sha256`);
      if (report.failed.length) {
        console.error(`${report.failed.length} objects failed: run the command again.`);
        return 1;
      }
      if (report.stoppedAtLimit) console.log(`Stopped after ${limit} objects: run the command again to go on.`);
      else
        console.log(
          `Every object of the ${source.driver} store is in the ${target.driver} store. Stop Vitae, run this once more, then set STORAGE_DRIVER=${to}.`,
        );
      return 0;
    } finally {
      await source.close?.();
      await target.close?.();
    }
  },
};
