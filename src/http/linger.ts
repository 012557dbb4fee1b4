import type { FastifyRequest } from 'fastify';

/** How much of a refused body is read and thrown away before the answer goes out. */
const LINGER_MAX_BYTES = 64 * 1024 * 1024;
const LINGER_MAX_MS = 10_000;

/**
 * Reads and discards the rest of a request body that will not be used, then resolves. Answering
 * while the client still sends and then closing the socket makes most clients (Node's fetch,
 * browsers) see a reset instead of the answer; nginx's "lingering close" solves the same. The
 * wait is bounded: past `LINGER_MAX_BYTES` or `LINGER_MAX_MS` the answer goes out anyway.
 */
export function drainBody(request: FastifyRequest): Promise<void> {
  const body = request.raw;
  if (body.complete || body.destroyed || body.readableEnded) return Promise.resolve();
  body.unpipe();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      body.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > LINGER_MAX_BYTES) finish();
    };
    const timer = setTimeout(finish, LINGER_MAX_MS);
    body.on('data', onData);
    body.once('end', finish);
    body.once('close', finish);
    body.once('error', finish);
    body.resume();
  });
}
