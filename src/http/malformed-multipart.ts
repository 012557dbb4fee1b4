/**
 * busboy reports a multipart body it cannot parse (no boundary in the Content-Type, a body that
 * ends inside a part) as a plain Error, recognizable only by its message — the way
 * @fastify/multipart itself tells them apart. These are the client's fault: 400, not 500.
 */
const BUSBOY_MESSAGES = [/^Multipart: Boundary not found$/, /^Unexpected end of multipart data$/, /terminated early due to unexpected end of multipart data$/];

/** Whether the error, or one that caused it (a store wraps the failure of the stream it read), is busboy's. */
export function isMalformedMultipart(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (BUSBOY_MESSAGES.some((pattern) => pattern.test(current.message))) return true;
  }
  return false;
}
