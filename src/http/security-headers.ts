import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for these options. They do not depend on the request (no directive here
 * is a function, no nonces), so they are computed once: running helmet(options) on every request,
 * as @fastify/helmet does, parses the whole policy again each time (44 µs per request, with the
 * header writes, in a profile of GET /files/{id}: bench/README.md, *Signing rates: CPU per request*).
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  // helmet throws a bad option itself; the callback's error argument is only kept for compatibility.
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw new Error('helmet refused the security header options', { cause: error });
  });
  return headers;
}

/**
 * Sets helmet's headers on every reply, first thing (a route may then replace one, as the web
 * app's pages do with their own content security policy). A reply written on the raw response
 * (HEAD of file bytes) takes them from `reply.getHeaders()`.
 */
export const securityHeadersPlugin = fp<HelmetOptions>(
  async (app, options) => {
    const headers = helmetHeaders(options);
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'security-headers' },
);
