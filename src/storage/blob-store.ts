import type { Readable } from 'node:stream';

/**
 * The blob store port. Keys are built by the services from ids only
 * (`{owner}/{category}/{file id}/{version}`) and never contain user input;
 * adapters still validate every key so that none can escape their root.
 */
export interface BlobStore {
  readonly driver: 'local' | 's3';

  /**
   * Streams `body` into `key`. Atomic: readers see no object or the whole new one. Objects are
   * immutable where the backend can promise it: the local store refuses an existing key with
   * BlobExists; S3 keys are never reused by the services (pre-signed uploads go to a staging key).
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<{ size: number }>;
  /** A stream of the object, or of the inclusive byte range. Throws BlobNotFound. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<BlobInfo | null>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Server-side copy (used to move bytes into quarantine). */
  copy(fromKey: string, toKey: string): Promise<void>;
  list(prefix: string): AsyncIterable<BlobListing>;
  /**
   * Removes the partial writes that a process killed mid-`put` left behind (local temp files,
   * S3 multipart uploads never completed) last touched before `cutoff`. Returns how many.
   */
  sweepPartialWrites(cutoff: Date): Promise<number>;
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest>;
  presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest>;
  /** Readiness: throws StorageUnavailable when the store cannot be reached. */
  check(): Promise<void>;
  close?(): Promise<void>;
}

export interface PutOptions {
  contentType?: string;
  /** When known in advance; S3 uses it to avoid a multipart upload for small bodies. */
  contentLength?: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface BlobInfo {
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface BlobListing extends BlobInfo {
  key: string;
}

export interface PresignPutOptions {
  contentType: string;
  contentLength: number;
  expiresInSeconds: number;
}

/**
 * Who a download URL is for. The local store signs it into the URL and asks, when the URL is used,
 * whether it still holds (see services/files/download-grants.ts); S3 cannot ask, so the URLs it
 * signs for a grant that can end (a shared file) are short-lived instead.
 */
export interface DownloadGrant {
  fileId: string;
  /** `user:<id>` or `key:<id>`. */
  grantee: string;
  /** The organization the grantee acted for; null for a candidate's own file. */
  orgId: string | null;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** For a URL to a file's version (not, e.g., to a data export, which ends with its own expiry). */
  grant?: DownloadGrant;
  /** Sent back as the response's Content-Disposition (already RFC 6266 encoded). */
  contentDisposition?: string;
  contentType?: string;
}

export interface PresignedRequest {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the client must send exactly as given (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

export class BlobNotFound extends Error {
  constructor(key: string) {
    super(`No blob at ${key}`);
    this.name = 'BlobNotFound';
  }
}

/** The key already holds an object, and objects are never replaced. */
export class BlobExists extends Error {
  constructor(key: string) {
    super(`A blob already exists at ${key}`);
    this.name = 'BlobExists';
  }
}

export class InvalidBlobKey extends Error {
  constructor(key: string) {
    super(`Invalid blob key: ${JSON.stringify(key).slice(0, 200)}`);
    this.name = 'InvalidBlobKey';
  }
}
