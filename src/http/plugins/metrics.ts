import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { Db } from '../../db/database.ts';
import { unauthorized } from '../../errors.ts';
import { unhandledErrors } from '../../process-guard.ts';
import { jobFailures, queueDepths, queueErrors } from '../../queue/queue.ts';
import { scanSeconds, scanVerdicts } from '../../services/files/scan-pipeline.ts';
import { unrecordedDenials } from '../../services/audit/denied-attempts.ts';
import { intakeFiles } from '../../services/hiring/candidates.ts';
import { parseSeconds, resumesParsed } from '../../services/hiring/processing.ts';
import { blobStoreErrors } from '../../storage/error-counting.ts';

/**
 * Prometheus metrics: process metrics, request durations by route and status, scan verdicts and
 * durations, queue backlogs and errors, intake and parse throughput, blob store failures, and the
 * errors nothing handled.
 * With a `token`, only a scraper that bears it reads them: route names, error counts and memory
 * figures are not for the public internet.
 */
export const metricsPlugin = fp<{ token?: string; db: Db }>(async (app, { token, db }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of [
    unhandledErrors,
    unrecordedDenials,
    queueErrors,
    jobFailures,
    scanVerdicts,
    scanSeconds,
    intakeFiles,
    resumesParsed,
    parseSeconds,
    blobStoreErrors,
  ] as Metric[])
    registry.registerMetric(metric);
  new Gauge({
    name: 'vitae_queue_jobs',
    help: 'Jobs waiting (created, retry) or running (active) per queue, read at each scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // A scrape while the database is down still answers, without the queue figures.
      const depths = await queueDepths(db).catch(() => []);
      for (const { queue, state, jobs } of depths) this.set({ queue, state }, jobs);
    },
  });
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
