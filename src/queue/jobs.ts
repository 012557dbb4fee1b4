import type { QueueDefinition } from './queue.ts';

/** Every queue Vitae uses, with its retry policy. Handlers are registered in src/worker.ts. */
export const JOBS = {
  scanFile: 'file.scan',
  expirePendingUploads: 'uploads.expire-pending',
  purgeDeletedFiles: 'files.purge-deleted',
  reconcileBlobs: 'blobs.reconcile',
  parseCandidate: 'candidate.parse',
  ocrCandidate: 'candidate.ocr',
  rescoreJob: 'job.rescore',
  deliverWebhook: 'webhook.deliver',
  purgeQuarantine: 'quarantine.purge',
  purgeIdempotencyKeys: 'idempotency.purge-expired',
  buildExport: 'export.build',
  purgeExpiredExports: 'exports.purge-expired',
  purgeAudit: 'audit.purge',
  runSubjectRequest: 'subject-request.run',
  runRetention: 'retention.run',
  purgeRateCounters: 'limits.purge-expired',
} as const;

const minutes = (n: number) => n * 60;

export const QUEUES: QueueDefinition[] = [
  // A scanner that is down keeps files in `scanning`: retry with backoff for about a day.
  { name: JOBS.scanFile, retryLimit: 50, retryDelay: 2, retryDelayMax: minutes(30), expireInSeconds: minutes(10) },
  { name: JOBS.parseCandidate, retryLimit: 5, retryDelay: 5, retryDelayMax: minutes(10), expireInSeconds: minutes(5) },
  // OCR takes seconds per page: its own queue, with its own (small) concurrency.
  { name: JOBS.ocrCandidate, retryLimit: 3, retryDelay: 10, retryDelayMax: minutes(10), expireInSeconds: minutes(15) },
  { name: JOBS.rescoreJob, retryLimit: 5, retryDelay: 10, retryDelayMax: minutes(10), expireInSeconds: minutes(30) },
  // Receivers that are down get retried for about a day, then the delivery is marked failed.
  { name: JOBS.deliverWebhook, retryLimit: 12, retryDelay: 10, retryDelayMax: minutes(240), expireInSeconds: minutes(2) },
  { name: JOBS.purgeQuarantine, retryLimit: 3, retryDelay: 60, retryDelayMax: minutes(30), expireInSeconds: minutes(30) },
  // An export streams every file of one person into one ZIP: minutes for a large account.
  { name: JOBS.buildExport, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(30) },
  { name: JOBS.runSubjectRequest, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(30) },
  { name: JOBS.purgeExpiredExports, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(15) },
  { name: JOBS.expirePendingUploads, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(15) },
  { name: JOBS.purgeDeletedFiles, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(30) },
  { name: JOBS.reconcileBlobs, retryLimit: 3, retryDelay: 60, retryDelayMax: minutes(30), expireInSeconds: minutes(60) },
  { name: JOBS.purgeIdempotencyKeys, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(15) },
  { name: JOBS.runRetention, retryLimit: 3, retryDelay: 60, retryDelayMax: minutes(30), expireInSeconds: minutes(60) },
  { name: JOBS.purgeAudit, retryLimit: 3, retryDelay: 60, retryDelayMax: minutes(30), expireInSeconds: minutes(60) },
  { name: JOBS.purgeRateCounters, retryLimit: 3, retryDelay: 30, retryDelayMax: minutes(10), expireInSeconds: minutes(15) },
];

/** Cron schedules for the maintenance jobs (pg-boss runs each once per deployment, not per process). */
export const SCHEDULES: Array<{ name: string; cron: string }> = [
  { name: JOBS.expirePendingUploads, cron: '*/10 * * * *' },
  { name: JOBS.purgeDeletedFiles, cron: '17 * * * *' },
  { name: JOBS.reconcileBlobs, cron: '43 3 * * *' },
  { name: JOBS.purgeQuarantine, cron: '29 4 * * *' },
  { name: JOBS.purgeIdempotencyKeys, cron: '37 * * * *' },
  { name: JOBS.purgeExpiredExports, cron: '7,37 * * * *' },
  { name: JOBS.purgeAudit, cron: '13 2 * * *' },
  { name: JOBS.runRetention, cron: '47 1 * * *' },
  { name: JOBS.purgeRateCounters, cron: '47 * * * *' },
];
