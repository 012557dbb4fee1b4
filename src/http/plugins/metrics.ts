import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { unauthorized } from '../../errors.ts';
import { unhandledErrors } from '../../process-guard.ts';
import { unrecordedDenials } from '../../services/audit/denied-attempts.ts';

/**
 * Prometheus metrics: process metrics plus a request duration histogram by route and status.
 * With a `token`, only a scraper that bears it reads them: route names, error counts and memory
 * figures are not for the public internet.
 */
export const metricsPlugin = fp<{ token?: string }>(async (app, { token }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(unhandledErrors);
  registry.registerMetric(unrecordedDenials);
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids would explode the label cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true }, config: { ownCredentials: true } }, async (request, reply) => {
    if (token && !bears(request.headers.authorization, token)) {
      throw unauthorized('Metrics need the bearer token set in METRICS_TOKEN.');
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
});

/** Compared as hashes in constant time: neither the token's bytes nor its length leak through timing. */
function bears(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
