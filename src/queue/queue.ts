import { hostname } from 'node:os';
import { sql } from 'kysely';
import { PgBoss, type Clock, type Instance, type Job } from 'pg-boss';
import { Counter } from 'prom-client';
import { executeSql, type Db, type Executor } from '../db/database.ts';

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
  /**
   * Whether another process may be working jobs or writing blobs now: some other pg-boss instance
   * still reads as live, and is not a process of this host that no longer exists.
   */
  othersMayBeWorking(): Promise<boolean>;
  /**
   * Puts every active job back to be retried at once. Only for a process that knows no other one
   * is working (see `othersMayBeWorking`): the jobs were left active by processes that died.
   */
  retryActiveJobs(): Promise<number>;
}

/**
 * Workers refresh each active job's heartbeat every half of this; a job whose heartbeat is older
 * is failed by the supervisor and retried (its worker died), long before its `expireInSeconds`.
 */
export const JOB_HEARTBEAT_SECONDS = 20;
/**
 * How often the supervisor looks for jobs with a stale heartbeat (and expired ones). With the
 * heartbeat above, the jobs of a worker that died are retried within about 40 s.
 */
const DEFAULT_SUPERVISE_INTERVAL_SECONDS = 15;

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
  /** Told of every error pg-boss reports outside a job (to log it), with the queue it concerns when it names one. */
  onError?: (error: Error, queue: string | undefined) => void;
  /** Told of every attempt of a job whose handler threw (to log it); pg-boss retries the job within its policy. */
  onJobFailure?: (failure: JobFailure) => void;
  /** How often jobs whose worker died mid-job (stale heartbeat, or expired) are found and retried. */
  superviseIntervalSeconds?: number;
  /** pg-boss's source of time and timers (polls, heartbeats, timeouts): the system clock, or a test's. */
  clock?: Clock;
}

export interface JobFailure {
  queue: string;
  jobId: string;
  retryCount: number;
  error: unknown;
}

export function createPgBossQueue(connectionString: string, definitions: QueueDefinition[], options: QueueOptions = {}): JobQueue {
  const superviseIntervalSeconds = options.superviseIntervalSeconds ?? DEFAULT_SUPERVISE_INTERVAL_SECONDS;
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: options.poolSize ?? 4,
    application_name: 'vitae-queue',
    // A supervise pass fails stale-heartbeat jobs only once the monitor interval has also passed.
    superviseIntervalSeconds,
    monitorIntervalSeconds: superviseIntervalSeconds,
    // A job that commits wakes the workers of its queue at once, in every process (NOTIFY), so
    // idle workers need not poll often: polling stays only as a backstop.
    useListenNotify: true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // pg-boss reports transient connection problems and failed maintenance as events; they must not
  // crash the process, and must not go unseen: each is logged and counted on /metrics.
  boss.on('error', (error) => {
    queueErrors.inc();
    // A worker's fetch or completion failure carries the name of its queue (pg-boss adds `queue`).
    const queue = (error as { queue?: unknown }).queue;
    options.onError?.(error, typeof queue === 'string' ? queue : undefined);
  });
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
          heartbeatSeconds: JOB_HEARTBEAT_SECONDS,
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
            for (const job of jobs) {
              try {
                await handler(job.data, { id: job.id, retryCount: job.retryCount, signal: job.signal });
              } catch (error) {
                jobFailures.inc({ queue: name });
                options.onJobFailure?.({ queue: name, jobId: job.id, retryCount: job.retryCount, error });
                throw error;
              }
            }
          } finally {
            if (workerId) boss.notifyWorker(workerId);
          }
        });
      }
    },

    async schedule(name, cron, data = {}) {
      await boss.schedule(name, cron, data);
    },

    async othersMayBeWorking() {
      const others = (await boss.getInstances()).filter((instance) => instance.live && !isThisProcess(instance));
      return !others.every(isDeadProcessOfThisHost);
    },

    async retryActiveJobs() {
      const names = definitions.map((def) => def.name);
      const { rows } = await boss.getDb().executeSql(`SELECT name, id FROM pgboss.job WHERE state = 'active' AND name = ANY($1)`, [names]);
      let retried = 0;
      for (const name of names) {
        const ids = (rows as Array<{ name: string; id: string }>).filter((row) => row.name === name).map((row) => row.id);
        if (ids.length === 0) continue;
        // fail() puts a job with retries left back in `retry`, after the queue's (short) first delay.
        await boss.fail(name, ids, { message: 'the process working on this job ended' });
        retried += ids.length;
      }
      return retried;
    },

    async stop(timeoutMs = 20_000) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}

/**
 * Our own registry row (a pid reused by this process is this process too: the earlier one is gone).
 */
function isThisProcess(instance: Instance): boolean {
  return instance.host === hostname() && instance.pid === process.pid;
}

/**
 * A registered instance that still reads as live (it stopped beating less than three heartbeats
 * ago) but whose process no longer exists on this host. An instance on another host, or whose pid
 * is taken by a running process, may be working: only its heartbeats can tell.
 */
function isDeadProcessOfThisHost(instance: Instance): boolean {
  if (instance.host !== hostname()) return false;
  try {
    process.kill(instance.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Counted on /metrics (each app's registry registers it). */
export const queueErrors = new Counter({
  name: 'vitae_queue_errors_total',
  help: 'Errors the job queue reported outside any job (connection losses, failed maintenance)',
  registers: [],
});

/** Counted on /metrics: attempts whose handler threw, per queue (each is also logged). */
export const jobFailures = new Counter({
  name: 'vitae_job_failures_total',
  help: 'Job attempts whose handler threw, per queue (the job is retried within its policy)',
  labelNames: ['queue'],
  registers: [],
});

/**
 * Jobs waiting or running per queue, read from pg-boss's table when /metrics is scraped: a
 * backlog that grows is the first sign of missing workers or a dependency that is down.
 */
export async function queueDepths(db: Db): Promise<Array<{ queue: string; state: string; jobs: number }>> {
  const { rows } = await sql<{ queue: string; state: string; jobs: string }>`
    SELECT name AS queue, state::text AS state, count(*) AS jobs FROM pgboss.job
    WHERE state IN ('created', 'retry', 'active') GROUP BY name, state`.execute(db);
  return rows.map((row) => ({ queue: row.queue, state: row.state, jobs: Number(row.jobs) }));
}
