import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';
import { StorageUnavailable } from '../errors.ts';
import {
  BlobNotFound,
  type BlobInfo,
  type BlobListing,
  type BlobStore,
  type ByteRange,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutOptions,
} from './blob-store.ts';
import { assertValidKey, assertValidPrefix } from './keys.ts';

type S3Settings = Extract<Config['storage'], { driver: 's3' }>;

/** 8 MiB parts, two in flight: multipart uploads with flat memory whatever the object's size. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * Any S3-compatible store through the AWS SDK v3: credentials from the SDK's default chain, the
 * SDK's own retries, server-side encryption requested on every write. A store that cannot be
 * reached becomes `StorageUnavailable` (503 with Retry-After).
 */
export class S3BlobStore implements BlobStore {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  /** Presigning must not add a checksum of an empty body, or real S3 refuses the upload. */
  private readonly presigner: S3Client;
  private readonly bucket: string;
  private readonly encryption: { ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string };

  constructor(settings: S3Settings, options: { requestTimeoutMs?: number } = {}) {
    const base = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      maxAttempts: settings.maxAttempts,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      requestHandler: { connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 120_000 },
    };
    this.client = new S3Client(base);
    this.presigner = new S3Client({ ...base, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    this.bucket = settings.bucket;
    this.encryption =
      settings.sse === 'none'
        ? {}
        : settings.sse === 'aws:kms'
          ? { ServerSideEncryption: 'aws:kms', ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}) }
          : { ServerSideEncryption: 'AES256' };
  }

  /** Takes ownership of `body`: it is consumed, or destroyed when the write cannot happen. */
  async put(key: string, body: Readable, options: PutOptions = {}): Promise<{ size: number }> {
    try {
      assertValidKey(key);
    } catch (error) {
      body.destroy();
      throw error;
    }
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(null, chunk);
      },
    });
    // The source's error reaches the upload through `counted`; the multipart upload is then aborted.
    const source = pipeline(body, counted);
    source.catch(() => {});
    // Up to one part is buffered: small bodies go in a single PutObject, big ones in parts.
    const upload = new Upload({
      client: this.client,
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
      params: { Bucket: this.bucket, Key: key, Body: counted, ContentType: options.contentType ?? 'application/octet-stream', ...this.encryption },
    });
    try {
      await Promise.all([upload.done(), source]);
      return { size };
    } catch (error) {
      counted.destroy();
      await upload.abort().catch(() => {});
      if (body.errored) throw body.errored;
      throw this.translate(error, key);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return result.Body as Readable;
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: result.ContentLength ?? 0,
        ...(result.LastModified ? { lastModified: result.LastModified } : {}),
        ...(result.ETag ? { etag: result.ETag } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.translate(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw this.translate(error, key);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertValidKey(fromKey);
    assertValidKey(toKey);
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${fromKey}`, ...this.encryption }));
    } catch (error) {
      throw this.translate(error, fromKey);
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      } catch (error) {
        throw this.translate(error, prefix);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          ...(object.LastModified ? { lastModified: object.LastModified } : {}),
          ...(object.ETag ? { etag: object.ETag } : {}),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Signed with Content-Length and Content-Type: the bucket itself refuses any other bytes. */
  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.contentLength,
      ...this.encryption,
    });
    const url = await getSignedUrl(this.presigner, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length', ...(this.encryption.ServerSideEncryption ? ['x-amz-server-side-encryption'] : [])]),
    });
    const headers: Record<string, string> = { 'content-type': options.contentType, 'content-length': String(options.contentLength) };
    if (this.encryption.ServerSideEncryption) headers['x-amz-server-side-encryption'] = this.encryption.ServerSideEncryption;
    if (this.encryption.SSEKMSKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = this.encryption.SSEKMSKeyId;
    return { url, method: 'PUT', headers, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000) };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.contentDisposition ? { ResponseContentDisposition: options.contentDisposition } : {}),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
    });
    const url = await getSignedUrl(this.presigner, command, { expiresIn: options.expiresInSeconds });
    return { url, method: 'GET', headers: {}, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000) };
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // A missing bucket or refused credentials make the store as unusable as a network failure.
      throw new StorageUnavailable(`The S3 bucket ${this.bucket} cannot be reached.`, error);
    }
  }

  /** For `vitae doctor`: does the bucket exist, is it encrypted by default, is public access blocked? */
  async describeBucket(): Promise<{ exists: boolean; encryption: string | null; publicAccessBlocked: boolean | null }> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (isNotFound(error)) return { exists: false, encryption: null, publicAccessBlocked: null };
      throw this.translate(error, this.bucket);
    }
    const encryption = await this.client.send(new GetBucketEncryptionCommand({ Bucket: this.bucket })).then(
      (r) => r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null,
      () => null,
    );
    const publicAccessBlocked = await this.client.send(new GetPublicAccessBlockCommand({ Bucket: this.bucket })).then(
      (r) => {
        const c = r.PublicAccessBlockConfiguration;
        return Boolean(c?.BlockPublicAcls && c.BlockPublicPolicy && c.IgnorePublicAcls && c.RestrictPublicBuckets);
      },
      // Not every S3-compatible server implements it.
      () => null,
    );
    return { exists: true, encryption, publicAccessBlocked };
  }

  async sweepPartialWrites(cutoff: Date): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, ...(keyMarker ? { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker } : {}) }),
        );
      } catch (error) {
        // Some S3-compatible stores cannot list multipart uploads: a bucket lifecycle rule
        // (AbortIncompleteMultipartUpload) does the same there.
        if (error instanceof S3ServiceException && error.name === 'NotImplemented') return removed;
        throw this.translate(error, '');
      }
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= cutoff) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId })).catch((error: unknown) => {
          if (!isNotFound(error)) throw this.translate(error, upload.Key!);
        });
        removed += 1;
      }
      if (!page.IsTruncated) return removed;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.presigner.destroy();
  }

  private translate(error: unknown, key: string): Error {
    if (isNotFound(error)) return new BlobNotFound(key);
    if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode ?? 500) < 500) return error;
    return new StorageUnavailable('The S3 store is unavailable.', error);
  }
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || (name !== 'NoSuchBucket' && (name === 'NotFound' || status === 404));
}
