import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { pipeline, Transform, type Readable } from 'node:stream';
import { AppError } from '../../errors.ts';
import { BlobNotFound } from '../../storage/blob-store.ts';
import type { LocalBlobStore } from '../../storage/local.ts';
import { parseRange } from '../../services/files/files.ts';
import { sendProblem } from '../problems.ts';

/**
 * Serves the local blob store's pre-signed URLs: `PUT /blobs/<key>` (the exact signed length and
 * type, streamed into the store) and `GET`/`HEAD /blobs/<key>`. Anything tampered, expired or
 * used with another method is refused with 403. Registered only with the local driver; on S3 the
 * URLs point at the bucket.
 */
export const blobRoutes: FastifyPluginAsync<{ store: LocalBlobStore }> = async (app, { store }) => {
  // Bodies of signed PUTs are raw bytes of any type: hand the stream over untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const verify = (request: FastifyRequest, reply: FastifyReply) => {
    const key = (request.params as { '*': string })['*'];
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const result = store.signer.verify(request.method, key, query);
    if (!result.ok || result.grant.method !== (request.method === 'HEAD' ? 'GET' : request.method)) {
      sendProblem(request, reply, 403, result.ok ? 'invalid_signature' : result.code, result.ok || result.code === 'invalid_signature' ? 'The URL signature is not valid for this request.' : 'The URL has expired.');
      return null;
    }
    return { key, grant: result.grant };
  };

  app.put('/blobs/*', { schema: { hide: true }, bodyLimit: Number.MAX_SAFE_INTEGER }, async (request, reply) => {
    const verified = verify(request, reply);
    if (!verified) return reply;
    const { key, grant } = verified;
    const declared = Number(request.headers['content-length']);
    if (request.headers['content-length'] !== undefined && declared !== grant.contentLength) {
      request.raw.resume();
      return sendProblem(request, reply, 413, 'size_mismatch', `This URL accepts exactly ${grant.contentLength} bytes.`);
    }
    const type = request.headers['content-type'];
    if (grant.contentType !== undefined && type !== grant.contentType) {
      request.raw.resume();
      return sendProblem(request, reply, 403, 'invalid_signature', 'The Content-Type differs from the signed one.');
    }
    // An aborted request or a body of the wrong length fails the pipe, and the store drops its partial write.
    const checked = exactLength(grant.contentLength ?? 0);
    pipeline(request.body as Readable, checked, () => {});
    await store.put(key, checked);
    return reply.code(200).send();
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const verified = verify(request, reply);
    if (!verified) return reply;
    const { key, grant } = verified;
    const info = await store.head(key);
    if (!info) return sendProblem(request, reply, 404, 'not_found', 'No such object.');
    const range = typeof request.headers.range === 'string' ? parseRange(request.headers.range, info.size) : null;
    if (range === 'unsatisfiable') return sendProblem(request, reply.header('content-range', `bytes */${info.size}`), 416, 'range_not_satisfiable', 'The range is beyond the end.');
    reply.header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff');
    reply.type(grant.contentType ?? 'application/octet-stream');
    if (grant.contentDisposition) reply.header('content-disposition', grant.contentDisposition);
    reply.header('content-length', String(range ? range.end - range.start + 1 : info.size));
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (request.method === 'HEAD') return reply.send();
    try {
      return reply.send(await store.get(key, range ?? undefined));
    } catch (error) {
      if (error instanceof BlobNotFound) return sendProblem(request, reply, 404, 'not_found', 'No such object.');
      throw error;
    }
  };
  app.get('/blobs/*', { schema: { hide: true }, exposeHeadRoute: false }, serve);
  app.head('/blobs/*', { schema: { hide: true } }, serve);
};

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
