import type { ServerOptions } from 'node:http';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

/**
 * Node's server options for the configured timeouts:
 * - `headersTimeout`: the whole header block must arrive within it (a client trickling headers is
 *   answered 408 and closed); checked every second, so that a short limit is kept;
 * - the socket's idle timeout (`connectionTimeout`): the longest silence while a body is read or
 *   an answer written; a client that stops sending mid-body is disconnected;
 * - `keepAliveTimeout`: how long an idle connection waits for its next request.
 */
export function timeoutOptions(http: Config['http']): { connectionTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  return {
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, http.headersTimeoutMs) },
  };
}

/**
 * The idle timeout is about the client, not the work: once a request's body has been read, the
 * socket may stay silent while the handler runs (a bulk intake of a large archive takes longer
 * than any idle limit), and the limit applies again to writing the answer.
 */
export const idleWhileHandling = fp<{ idleTimeoutMs: number }>(async (app, { idleTimeoutMs }) => {
  app.addHook('onRequest', async (request) => {
    const { raw } = request;
    const pause = () => raw.socket?.setTimeout(0);
    if (raw.complete) pause();
    else raw.once('end', pause);
  });
  app.addHook('onSend', async (request) => {
    request.raw.socket?.setTimeout(idleTimeoutMs);
  });
});
