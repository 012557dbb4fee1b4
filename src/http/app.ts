import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { HelmetOptions } from 'helmet';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { sharedRateLimitStore } from '../services/limits/rate-limit-store.ts';
import { authenticatePlugin } from './authenticate.ts';
import { idleWhileHandling, timeoutOptions } from './connection-timeouts.ts';
import { securityHeadersPlugin } from './security-headers.ts';
import type { Config } from '../config.ts';
import { categoryRules } from '../domain/categories.ts';
import type { Runtime } from '../runtime.ts';
import { errorHandler, notFoundHandler } from './problems.ts';
import { deniedAuditPlugin } from './plugins/denied-audit.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { sharedSerializers } from './shared-serializers.ts';
import { webPlugin } from './plugins/web.ts';
import { healthRoutes } from './routes/health.ts';
import type { Services } from '../services/index.ts';
import { blobRoutes } from './routes/blobs.ts';
import { auditContextOf } from './request-context.ts';
import { apiRoutes } from './routes/index.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface AppOptions {
  /** JSON bodies are small (metadata only); files go through multipart or pre-signed URLs. */
  bodyLimit?: number;
}

/**
 * An incoming X-Request-Id is kept only behind a trusted proxy (TRUST_PROXY), which sets or
 * vouches for it so that a trace can span services, and only when it looks like an id. Straight
 * from a client it would let anyone write what they like into the audit trail's request ids.
 */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(runtime: Runtime, services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const acceptsRequestIds = runtime.config.trustProxy !== false;
  const app = Fastify({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the widening is not for this option but for the instance Fastify infers from it: with pino's own Logger type the app would not be a FastifyInstance
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: runtime.config.trustProxy,
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return acceptsRequestIds && typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...timeoutOptions(runtime.config.http),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(idleWhileHandling, { idleTimeoutMs: runtime.config.http.idleTimeoutMs });
  await app.register(securityHeadersPlugin, securityHeaders(runtime.config.publicUrl));

  await app.register(multipart, {
    // One byte over the largest category: the upload services enforce each category's exact limit
    // while streaming; this only guarantees that busboy never truncates a file silently.
    limits: { fileSize: largestCategoryLimit(runtime.config) + 1, files: 1, fields: 10, parts: 20, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  await app.register(cookie);
  // Counted in PostgreSQL: every API process enforces the same limits.
  await app.register(rateLimit, { global: false, store: sharedRateLimitStore(services.counters) });
  await app.register(authenticatePlugin, services.auth);
  await app.register(deniedAuditPlugin, { deniedAttempts: services.deniedAttempts });
  await app.register(openApiPlugin, { publicUrl: runtime.config.publicUrl, version: packageVersion, access: runtime.config.docsAccess });
  await app.register(metricsPlugin, { token: runtime.config.metricsToken, db: runtime.db });
  await app.register(healthRoutes(runtime, services.readinessChecks));
  if (runtime.store.driver === 'local') {
    await app.register(blobRoutes, {
      store: runtime.store as never,
      acceptsUpload: (key) => services.uploads.acceptsUpload(key),
      grantHolds: (grant, key, request) => services.downloadGrants.holds(grant, key, auditContextOf(request)),
    });
  }

  await app.register(apiRoutes(services), { prefix: '/api/v1' });
  await app.register(webPlugin, { connectSources: await directTransferOrigins(runtime) });

  return app;
}

/**
 * One log line per request, when it ends, with what Fastify's "incoming request" line carried
 * (method, path) beside the status and duration. Each line is a synchronous write: two per
 * request cost a signing request about 5% of the server's CPU.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

function largestCategoryLimit(config: Config): number {
  return Math.max(...Object.values(categoryRules(config.uploads.maxSizeOverrides)).map((rule) => rule.maxSize));
}

/**
 * Headers for every response (API, documents, blobs, docs, web app). The policy here is the
 * strictest, for JSON and file bytes, which are never meant to run or be framed: nothing loads,
 * nothing frames. The web app and /docs set their own content security policy on their pages.
 * HSTS only when the public URL is https: over plain HTTP it would be ignored anyway.
 */
function securityHeaders(publicUrl: string): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    hsts: publicUrl.startsWith('https:') ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  };
}

/**
 * Where the browser sends bytes itself: the origin of pre-signed URLs. With local storage it is
 * this server; with S3 the bucket's endpoint, which the web app's `connect-src` must then allow
 * (and nothing else). Found by signing a URL, so it is exactly the origin clients are given.
 */
async function directTransferOrigins(runtime: Runtime): Promise<string[]> {
  let origin: string;
  try {
    const signed = await runtime.store.presignGet('origin-probe', {
      expiresInSeconds: 60,
      contentDisposition: 'attachment',
      contentType: 'application/octet-stream',
    });
    origin = new URL(signed.url).origin;
  } catch (error) {
    // No credentials yet (an instance role not reachable at start, S3 down): the server must
    // still start; the origin then comes from the configuration alone.
    const storage = runtime.config.storage;
    if (storage.driver !== 's3') throw error;
    origin = storage.endpoint ? new URL(storage.endpoint).origin : `https://${storage.bucket}.s3.${storage.region}.amazonaws.com`;
    if (storage.endpoint && !storage.forcePathStyle) origin = `${new URL(storage.endpoint).protocol}//${storage.bucket}.${new URL(storage.endpoint).host}`;
    runtime.logger.warn({ err: error }, 'could not sign a probe URL at start; the web app allows the configured S3 origin');
  }
  return origin === new URL(runtime.config.publicUrl).origin ? [] : [origin];
}
