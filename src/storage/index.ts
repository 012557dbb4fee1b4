import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { LocalBlobStore } from './local.ts';
import { S3BlobStore } from './s3.ts';

/** Chooses the blob store adapter once, at start-up. Adding one (Azure, GCS) means one file and one line here. */
export function createBlobStore(config: Config, secrets: { urlSigningSecret: string }): BlobStore {
  const storage = config.storage;
  switch (storage.driver) {
    case 'local':
      return new LocalBlobStore({ root: storage.root, publicUrl: config.publicUrl, signingSecret: secrets.urlSigningSecret });
    case 's3':
      return new S3BlobStore(storage);
  }
}
