import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Transform } from 'node:stream';
import { AppError } from '../../errors.ts';
import { parseRange } from '../../services/files/files.ts';
import { BlobExists, BlobNotFound, type DownloadGrant } from '../../storage/blob-store.ts';
import type { LocalBlobStore } from '../../storage/local.ts';
import type { SignedGrant } from '../../storage/url-signer.ts';
import { drainBody } from '../linger.ts';
import { errorHandler, sendProblem } from '../problems.ts';
import { uncheckedField } from '../unchecked.ts';

/**
 * Serves the local blob store's pre-signed URLs: `PUT /blobs/<key>` (exactly the signed length and
 * type, streamed into the store) and `GET`/`HEAD /blobs/<key>` (with the signed Content-Type and
 * Content-Disposition, and a single Range). Anything tampered, expired or used with another
 * method is refused with 403. A download URL is also checked when used: once its file is deleted
 * or its grantee has lost access (a withdrawn application, a revoked key), it answers 404. Registered only with the local driver; on S3 the URLs point at the bucket.
 *
 * A version's bytes never change once written: a PUT is accepted only while the version waits for
 * its upload (`acceptsUpload`, checked before a byte is read), and the store refuses an existing
 * key, so a URL replayed after `complete`, a scan or an erasure answers 409 `upload_closed`.
 */
export interface BlobRouteOptions {
  store: LocalBlobStore;
  acceptsUpload: (key: string) => Promise<boolean>;
  /** Whether the grantee of a download URL may still have the bytes (asked at every use). */
  grantHolds: (grant: DownloadGrant, key: string, request: FastifyRequest) => Promise<boolean>;
}

export const blobRoutes: FastifyPluginAsync<BlobRouteOptions> = async (app, { store, acceptsUpload, grantHolds }) => {
  // Scoped to this plugin: signed PUT bodies are raw bytes of any type, read from request.raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.setErrorHandler(errorHandler);

  app.put('/blobs/*', { schema: { hide: true } }, async (request, reply) => {
    const grant = verify(store, request, reply);
    if (!grant) return reply;
    const expected = grant.contentLength ?? 0;
    if (request.headers['content-type'] !== grant.contentType) {
      return refuseBody(request, reply, 403, 'invalid_signature', 'The Content-Type differs from the signed one.');
    }
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) !== expected) {
      const longer = Number(declared) > expected;
      return refuseBody(request, reply, longer ? 413 : 400, 'size_mismatch', `This URL accepts exactly ${expected} bytes.`);
    }
    const key = keyOf(request);
    if (!(await acceptsUpload(key))) return refuseBody(request, reply, 409, 'upload_closed', UPLOAD_CLOSED);
    const checked = exactLength(expected);
    const body = request.raw;
    // Not pipeline(): on a length error it would destroy the request, and the client would get a
    // reset instead of the 413. The store removes its partial write either way.
    body.once('error', (error) => checked.destroy(error));
    body.once('close', () => {
      if (!body.complete) checked.destroy(new Error('The client aborted the upload.'));
    });
    checked.once('error', () => body.unpipe(checked));
    body.pipe(checked);
    try {
      await store.put(key, checked, { contentType: grant.contentType ?? 'application/octet-stream', contentLength: expected });
    } catch (error) {
      // The body was read to the end (the upload is complete but the key was taken meanwhile).
      if (error instanceof BlobExists) return sendProblem(request, reply, 409, 'upload_closed', UPLOAD_CLOSED);
      if (error instanceof AppError && error.code === 'size_mismatch') return refuseBody(request, reply, error.status, error.code, error.message);
      throw error;
    }
    const info = await store.head(key);
    if (info?.etag) reply.header('etag', info.etag);
    return reply.code(200).send();
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const grant = verify(store, request, reply);
    if (!grant) return reply;
    const key = keyOf(request);
    // Every URL to a file's version names its grantee (URLs without one are for other objects, such as data exports).
    if (grant.download && !(await grantHolds(grant.download, key, request))) return sendProblem(request, reply, 404, 'not_found', 'No such object.');
    const info = await store.head(key);
    if (!info) return sendProblem(request, reply, 404, 'not_found', 'No such object.');
    const asked = typeof request.headers.range === 'string' ? parseRange(request.headers.range, info.size) : null;
    if (asked === 'unsatisfiable' || (asked && info.size === 0)) {
      reply.header('content-range', `bytes */${info.size}`);
      return sendProblem(request, reply, 416, 'range_not_satisfiable', 'The range lies beyond the end of the object.');
    }
    const range = asked ?? undefined;
    reply
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-length', String(range ? range.end - range.start + 1 : info.size))
      .type(grant.contentType ?? 'application/octet-stream');
    if (info.etag) reply.header('etag', info.etag);
    if (grant.contentDisposition) reply.header('content-disposition', grant.contentDisposition);
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (request.method === 'HEAD') return reply.send();
    try {
      return reply.send(await store.get(key, range));
    } catch (error) {
      // Deleted between the HEAD and the read.
      if (error instanceof BlobNotFound) return sendProblem(request, reply, 404, 'not_found', 'No such object.');
      throw error;
    }
  };
  app.get('/blobs/*', { schema: { hide: true }, exposeHeadRoute: false }, serve);
  app.head('/blobs/*', { schema: { hide: true } }, serve);
};

const keyOf = (request: FastifyRequest): string => {
  const key = uncheckedField(request.params, '*');
  return typeof key === 'string' ? key : '';
};

/** The grant of a valid, unexpired URL for this method; otherwise a 403 has been sent. */
function verify(store: LocalBlobStore, request: FastifyRequest, reply: FastifyReply): SignedGrant | null {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const result = store.signer.verify(request.method, keyOf(request), query);
  if (result.ok) return result.grant;
  if (request.method === 'PUT') reply.header('connection', 'close');
  const detail = result.code === 'url_expired' ? 'The URL has expired.' : 'The URL signature is not valid for this request.';
  sendProblem(request, reply, 403, result.code, detail);
  return null;
}

const UPLOAD_CLOSED = 'This URL no longer accepts bytes: the version has been uploaded already, or its file was deleted.';

/**
 * Answers without storing a body. The connection then closes, but only after the rest of the body
 * has been read and discarded (up to a bound, like nginx's lingering close): a client that is
 * still sending would otherwise see a reset (EPIPE) instead of the answer.
 */
async function refuseBody(request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string): Promise<FastifyReply> {
  reply.header('connection', 'close');
  await drainBody(request);
  return sendProblem(request, reply, status, code, detail);
}

/** Fails as soon as more than `expected` bytes arrive, or at the end if fewer did. */
function exactLength(expected: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > expected) return callback(new AppError(413, 'size_mismatch', `This URL accepts exactly ${expected} bytes.`));
      callback(null, chunk);
    },
    flush(callback) {
      callback(seen === expected ? null : new AppError(400, 'size_mismatch', `Expected ${expected} bytes, received ${seen}.`));
    },
  });
}
