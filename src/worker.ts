import { JOBS, QUEUES, SCHEDULES } from './queue/jobs.ts';
import type { Runtime } from './runtime.ts';
import type { Services } from './services/index.ts';

const WEBHOOK_RETRY_LIMIT = QUEUES.find((q) => q.name === JOBS.deliverWebhook)!.retryLimit;
const EXPORT_RETRY_LIMIT = QUEUES.find((q) => q.name === JOBS.buildExport)!.retryLimit;
const SUBJECT_REQUEST_RETRY_LIMIT = QUEUES.find((q) => q.name === JOBS.runSubjectRequest)!.retryLimit;

/** Registers every queue handler and the maintenance schedules. */
export async function startWorkers(runtime: Runtime, services: Services): Promise<void> {
  const { queue, logger, config } = runtime;
  const concurrency = config.workerConcurrency;

  await queue.work<{ fileId: string; version: number; rescan?: boolean }>(
    JOBS.scanFile,
    async ({ fileId, version, rescan }) => services.scanPipeline.scanVersion(fileId, version, rescan ? { rescan } : {}),
    { concurrency },
  );
  await queue.work(JOBS.expirePendingUploads, async () => {
    const expired = await services.maintenance.expirePendingUploads();
    if (expired) logger.info({ expired }, 'expired pending uploads');
    const swept = await services.maintenance.sweepStagedUploads();
    if (swept) logger.info({ swept }, 'removed bytes sent to closed upload URLs');
  });
  await queue.work(JOBS.purgeDeletedFiles, async () => {
    const purged = await services.maintenance.purgeDeletedFiles();
    if (purged) logger.info({ purged }, 'purged soft-deleted files');
  });
  await queue.work(JOBS.reconcileBlobs, async () => {
    const removed = await services.maintenance.reconcileBlobs();
    if (removed.length) logger.warn({ removed: removed.length, keys: removed.slice(0, 100) }, 'removed orphan blobs');
    const partial = await services.maintenance.sweepPartialWrites();
    if (partial) logger.warn({ removed: partial }, 'removed abandoned partial writes');
  });

  await queue.work<{ candidateId: string; rescoreOnly?: boolean }>(
    JOBS.parseCandidate,
    async ({ candidateId, rescoreOnly }) => (rescoreOnly ? services.processing.score(candidateId) : services.processing.parse(candidateId)),
    { concurrency },
  );
  await queue.work<{ candidateId: string }>(JOBS.ocrCandidate, async ({ candidateId }) => services.processing.parse(candidateId, { ocr: true }), {
    concurrency: config.ocr.concurrency,
  });
  await queue.work<{ jobId: string }>(JOBS.rescoreJob, async ({ jobId }) => services.processing.rescoreJob(jobId));
  await queue.work<{ deliveryId: string }>(
    JOBS.deliverWebhook,
    async ({ deliveryId }, job) => services.webhooks.deliver(deliveryId, { final: job.retryCount >= WEBHOOK_RETRY_LIMIT }),
    { concurrency },
  );
  await queue.work(JOBS.purgeQuarantine, async () => {
    const purged = await services.quarantine.purgeExpired();
    if (purged) logger.info({ purged }, 'purged quarantined files');
  });
  await queue.work<{ exportId: string }>(JOBS.buildExport, async ({ exportId }, job) =>
    services.exports.build(exportId, job.retryCount, job.retryCount >= EXPORT_RETRY_LIMIT),
  );
  await queue.work<{ requestId: string }>(JOBS.runSubjectRequest, async ({ requestId }, job) =>
    services.subjectRequests.run(requestId, job.retryCount, job.retryCount >= SUBJECT_REQUEST_RETRY_LIMIT),
  );
  await queue.work(JOBS.purgeExpiredExports, async () => {
    const purged = (await services.exports.purgeExpired()) + (await services.subjectRequests.purgeExpired());
    if (purged) logger.info({ purged }, 'purged expired data exports');
  });

  await queue.work(JOBS.runRetention, async () => {
    const { erased, notified } = await services.retention.run();
    if (erased || notified) logger.info({ erased, notified }, 'retention: erased candidates past their retention, announced upcoming ones');
  });
  await queue.work(JOBS.purgeAudit, async () => {
    const removed = await services.auditRetention.run();
    if (removed) logger.info({ removed }, 'purged audit entries past AUDIT_RETENTION_DAYS');
  });

  await queue.work(JOBS.purgeIdempotencyKeys, async () => {
    await services.idempotency.purgeExpired();
  });

  await queue.work(JOBS.purgeRateCounters, async () => {
    await services.counters.purgeExpired();
  });

  for (const { name, cron } of SCHEDULES) await queue.schedule(name, cron);
}
