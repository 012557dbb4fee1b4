import { PgBoss, type Job } from 'pg-boss';
import { executeSql, type Executor } from '../db/database.ts';

/**
 * The one queue interface the rest of Vitae uses. pg-boss keeps the jobs in the same
 * PostgreSQL database, so a job can be enqueued in the transaction that writes the row it
 * concerns: either both commit or neither does.
 */
export interface JobQueue {
  send(name: string, data: object, options?: SendOptions): Promise<string | null>;
  work<T extends object>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): Promise<void>;
  schedule(name: string, cron: string, data?: object): Promise<void>;
  start(): Promise<void>;
  /** Stops fetching new jobs and waits (up to `timeoutMs`) for those in flight. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SendOptions {
  /** Enqueue inside this transaction. */
  tx?: Executor;
  startAfterSeconds?: number;
  /** At most one queued job with this key per queue. */
  singletonKey?: string;
}

export type JobHandler<T> = (data: T, job: { id: string; retryCount: number; signal: AbortSignal }) => Promise<void>;

export interface QueueDefinition {
  name: string;
  retryLimit: number;
  /** First retry delay in seconds; doubled on each attempt (with jitter) up to `retryDelayMax`. */
  retryDelay: number;
  retryDelayMax: number;
  /** A job still active after this long is considered lost (its worker died) and retried. */
  expireInSeconds: number;
}

export interface QueueOptions {
  poolSize?: number;
  /** How often expired jobs (their worker died mid-job) are found and retried. */
  superviseIntervalSeconds?: number;
}

export function createPgBossQueue(connectionString: string, definitions: QueueDefinition[], options: QueueOptions = {}): JobQueue {
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: options.poolSize ?? 4,
    application_name: 'vitae-queue',
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 30,
    // A job that commits wakes the workers of its queue at once, in every process (NOTIFY), so
    // idle workers need not poll often: polling stays only as a backstop.
    useListenNotify: true,
  });
  // pg-boss reports transient connection problems as events; they must not crash the process.
  boss.on('error', (error) => rememberQueueError(error));
  let started = false;

  return {
    async start() {
      if (started) return;
      await boss.start();
      for (const def of definitions) {
        const queueOptions = {
          retryLimit: def.retryLimit,
          retryDelay: def.retryDelay,
          retryBackoff: true,
          retryDelayMax: def.retryDelayMax,
          expireInSeconds: def.expireInSeconds,
          notify: true,
        };
        if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, queueOptions);
        else await boss.createQueue(def.name, queueOptions);
      }
      started = true;
    },

    async send(name, data, sendOptions = {}) {
      const { tx, startAfterSeconds, singletonKey } = sendOptions;
      return boss.send(name, data, {
        ...(tx ? { db: { executeSql: (text: string, values?: unknown[]) => executeSql(tx, text, values ?? []) } } : {}),
        ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}),
        ...(singletonKey ? { singletonKey } : {}),
      });
    },

    async work<T extends object>(name: string, handler: JobHandler<T>, workOptions: { concurrency?: number } = {}) {
      // One pg-boss worker per slot, each fetching one job at a time. A worker waits between
      // fetches only when its last fetch found nothing: after a job it asks again at once (by
      // notifying itself), so a backlog drains at the speed of the handlers, not of the polling.
      for (let slot = 0; slot < (workOptions.concurrency ?? 1); slot += 1) {
        let workerId: string | null = null;
        workerId = await boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 15 }, async (jobs: Job<T>[]) => {
          try {
            for (const job of jobs) await handler(job.data, { id: job.id, retryCount: job.retryCount, signal: job.signal });
          } finally {
            if (workerId) boss.notifyWorker(workerId);
          }
        });
      }
    },

    async schedule(name, cron, data = {}) {
      await boss.schedule(name, cron, data);
    },

    async stop(timeoutMs = 20_000) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}

/** The last few errors pg-boss reported, for diagnostics. */
export const recentQueueErrors: Error[] = [];

function rememberQueueError(error: Error): void {
  recentQueueErrors.push(error);
  if (recentQueueErrors.length > 20) recentQueueErrors.shift();
}
