import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { notFoundHandler } from '../problems.ts';

/** Where `npm run build` puts the web app. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the server, never to the web app's routes. */
const SERVER_PATHS = /^\/(?:api|docs|blobs|openapi\.json|healthz|readyz|metrics)(?:[/?]|$)/;

/**
 * The content security policy of the web app: scripts only from here; requests only to here and to
 * `connectSources` (the S3 endpoint that pre-signed uploads go straight to).
 */
const csp = (connectSources: readonly string[]) =>
  [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data: blob:",
    "worker-src 'self' blob:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

function pageHeaders(reply: FastifyReply, policy: string): void {
  reply.header('cache-control', 'no-cache');
  reply.header('content-security-policy', policy);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
}

/**
 * Serves the built web app (web/dist) at `/`: hashed assets cached for a year, pre-compressed
 * variants when the build made them, and index.html for every other GET path that is not the
 * server's own (the app routes in the browser). Without a build the server starts all the same.
 */
export const webPlugin: FastifyPluginAsync<{ root?: string; connectSources?: readonly string[] }> = async (app, options) => {
  const root = options.root ?? WEB_DIST;
  const policy = csp(options.connectSources ?? []);
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'The web app is not built: run `npm run build` to serve it at /. The API works without it.');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz'],
    setHeaders: (reply, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      else if (file.endsWith('.html')) pageHeaders(reply, policy);
      else reply.header('cache-control', 'no-cache');
    },
  });

  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // Server paths and missing files (anything with an extension) get the API's 404 problem.
    if (SERVER_PATHS.test(pathname) || /\.[A-Za-z0-9]+$/.test(pathname)) return notFoundHandler(request, reply);
    pageHeaders(reply, policy);
    return reply.sendFile('index.html');
  });
};
