import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createDb, type Db } from './db/database.ts';
import { readEmbeddedConnection, startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { QUEUES } from './queue/jobs.ts';
import { createPgBossQueue, type JobQueue } from './queue/queue.ts';
import { loadSecrets, type Secrets } from './secrets.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createBlobStore } from './storage/index.ts';

/**
 * The composition root: every adapter is chosen here, once, from the configuration.
 * `vitae serve`, `vitae worker`, the CLI commands and the tests all build one of these.
 */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  databaseUrl: string;
  queue: JobQueue;
  store: BlobStore;
  secrets: Secrets;
  embedded: EmbeddedPostgres | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /**
   * In the embedded mode: `serve` starts (or adopts) the server (true); `worker` attaches to the one
   * `serve` runs (false); one-off commands attach to it when it runs and start it otherwise
   * ('unless-running'), so that they work beside a running `serve` and without one.
   */
  startEmbeddedDatabase: boolean | 'unless-running';
  migrate: boolean;
}

export async function createRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
  };
  try {
    let embedded: EmbeddedPostgres | null = null;
    let databaseUrl: string;
    if (config.database.mode === 'external') {
      databaseUrl = config.database.url;
    } else {
      const running = options.startEmbeddedDatabase === true ? null : await readEmbeddedConnection(config.database.dataDir);
      if (running) {
        databaseUrl = running.connectionString;
      } else if (options.startEmbeddedDatabase) {
        embedded = await startEmbeddedPostgres({
          dataDir: config.database.dataDir,
          port: config.database.port,
          log: (message: string) => logger.debug({ component: 'embedded-postgres' }, message),
        });
        cleanups.push(() => embedded!.stop());
        databaseUrl = embedded.connectionString;
        logger.info({ reused: embedded.reused, directory: embedded.directory }, 'embedded PostgreSQL ready');
      } else {
        throw new Error(`No embedded PostgreSQL is running on ${config.database.dataDir}: start \`vitae serve\` first, or set DATABASE_URL.`);
      }
    }

    const db = createDb(databaseUrl, config.databasePoolSize);
    cleanups.push(() => db.destroy());
    const secrets = await loadSecrets(config);
    if (options.migrate) await migrateToLatest(db, secrets);

    const store = await createBlobStore(config, secrets);
    cleanups.push(async () => store.close?.());

    const queue = createPgBossQueue(databaseUrl, QUEUES, {
      poolSize: Math.max(2, Math.ceil(config.databasePoolSize / 2)),
      onError: (error, queueName) => logger.warn({ err: error, component: 'queue', queue: queueName }, 'job queue error'),
      onJobFailure: ({ queue: queueName, jobId, retryCount, error }) =>
        logger.warn({ err: error, component: 'queue', queue: queueName, job_id: jobId, retry_count: retryCount }, 'job attempt failed'),
    });
    await queue.start();
    cleanups.push(() => queue.stop());

    return { config, logger, db, databaseUrl, queue, store, secrets, embedded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
