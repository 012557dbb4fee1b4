import type { Readable } from 'node:stream';
import { Counter } from 'prom-client';
import { StorageUnavailable } from '../errors.ts';
import { BlobExists, BlobNotFound, InvalidBlobKey, type BlobStore } from './blob-store.ts';

export const blobStoreErrors = new Counter({
  name: 'vitae_blob_store_errors_total',
  help: 'Blob store operations that failed, by driver and operation (a missing or existing key is not a failure)',
  labelNames: ['driver', 'operation'] as const,
  registers: [],
});

/** Answers about the caller's request, not about the store's health. */
const EXPECTED = [BlobNotFound, BlobExists, InvalidBlobKey];

type Operation = Exclude<keyof BlobStore, 'driver' | 'close'>;
const OPERATIONS: readonly Operation[] = ['put', 'get', 'head', 'exists', 'delete', 'copy', 'list', 'sweepPartialWrites', 'presignPut', 'presignGet', 'check'];

/**
 * The store, with every failed operation counted in `vitae_blob_store_errors_total`: one wrapper at
 * the port instead of a counter in each adapter. A Proxy, so that what an adapter adds beyond the
 * port (and `instanceof`) still works; its methods run with the adapter itself as `this`.
 */
export function countingErrors(store: BlobStore): BlobStore {
  const failed = (operation: Operation, error: unknown, body?: Readable) => {
    if (EXPECTED.some((type) => error instanceof type)) return;
    // A put whose source failed (a client gone, a size limit tripped) is not the store's failure. The
    // adapters also destroy the source with their own error, so one they report as the store being
    // unavailable still counts.
    if (body?.errored && !(error instanceof StorageUnavailable)) return;
    blobStoreErrors.inc({ driver: store.driver, operation });
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !(OPERATIONS as readonly PropertyKey[]).includes(property)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      const operation = property as Operation;
      if (operation === 'list') {
        return async function* (prefix: string) {
          try {
            yield* target.list(prefix);
          } catch (error) {
            failed(operation, error);
            throw error;
          }
        };
      }
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          failed(operation, error, operation === 'put' ? (args[1] as Readable) : undefined);
          throw error;
        }
      };
    },
  });
}
