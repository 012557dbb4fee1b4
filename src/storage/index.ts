import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { countingErrors } from './error-counting.ts';
import { LocalBlobStore } from './local.ts';

/**
 * Chooses the blob store adapter once, at start-up. Adding one (Azure, GCS) means one file and one
 * line here. Every adapter is wrapped so that its failures are counted on /metrics. The S3 adapter is imported only when chosen: the AWS SDK is tens of megabytes that a
 * local deployment never needs.
 */
export async function createBlobStore(config: Config, secrets: { urlSigningSecret: string }): Promise<BlobStore> {
  const storage = config.storage;
  switch (storage.driver) {
    case 'local':
      return countingErrors(new LocalBlobStore({ root: storage.root, publicUrl: config.publicUrl, signingSecret: secrets.urlSigningSecret }));
    case 's3': {
      const { S3BlobStore } = await import('./s3.ts');
      return countingErrors(new S3BlobStore(storage));
    }
  }
}
