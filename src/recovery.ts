import { JOBS } from './queue/jobs.ts';
import type { Runtime } from './runtime.ts';
import type { Services } from './services/index.ts';

/**
 * What a process does on start-up to clean up after one that crashed (kill -9, power loss, OOM):
 *
 * - Jobs. In the embedded mode every process runs on this host, so when no other one is alive the
 *   jobs still marked active were left by a dead process: they are retried at once. Otherwise (a
 *   live `vitae worker`, or any process on an external PostgreSQL) the job heartbeats tell: the
 *   supervisor retries the jobs of a worker whose heartbeat stopped (see src/queue/queue.ts).
 * - Partial writes (local temp files, S3 multipart uploads). With no other live process they are
 *   all orphans; otherwise only those idle for longer than any write takes are removed.
 * - Idempotency-Key claims of requests that were running: with no other live process, released,
 *   so that their clients' retries run at once (otherwise they lapse after an hour).
 * - Uncommitted blobs (written, but their version row never committed): the reconciler is queued
 *   to run now rather than at its nightly time; it keeps its own safe age.
 */
export async function recoverFromCrash(runtime: Runtime, services: Services): Promise<void> {
  const { queue, logger, config } = runtime;
  const startedAt = new Date();
  const alone = config.database.mode === 'embedded' && !(await queue.othersMayBeWorking());
  const retried = alone ? await queue.retryActiveJobs() : 0;
  // The requests that held them died too: their retries must not wait for the claims' lease.
  const released = alone ? await services.idempotency.releaseAllInProgress() : 0;
  // A store that cannot be swept now must not keep the process from starting: the reconciler tries again.
  const swept = await services.maintenance.sweepPartialWrites(startedAt, { alone }).catch((error: unknown) => {
    logger.warn({ err: error }, 'could not sweep partial writes at start-up');
    return 0;
  });
  if (retried || swept || released) logger.warn({ retriedJobs: retried, partialWrites: swept, idempotencyClaims: released }, 'recovered after an unclean stop');
  await queue.send(JOBS.reconcileBlobs, {}, { singletonKey: 'startup' });
}
