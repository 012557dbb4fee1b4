import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { createDb } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { QUEUES } from '../queue/jobs.ts';
import { createPgBossQueue } from '../queue/queue.ts';
import type { Runtime } from '../runtime.ts';
import { loadSecrets } from '../secrets.ts';
import { createServices } from '../services/index.ts';
import { createBlobStore } from '../storage/index.ts';
import { buildApp } from './app.ts';

/** Never connected to: nothing is queried while the routes are only registered. */
const UNUSED_DATABASE_URL = 'postgres://vitae@127.0.0.1:9/unused';

/**
 * The OpenAPI document the server publishes at /openapi.json, built from the same routes without a
 * database, a job queue or a listening socket. The configuration is fixed (not read from the
 * environment), so that the document depends on the code alone.
 */
export async function openApiDocument(): Promise<Exclude<ReturnType<FastifyInstance['swagger']>, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitae-openapi-'));
  const config = loadConfig({
    DATABASE_URL: UNUSED_DATABASE_URL,
    VITAE_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'openapi-document-only-secret-000000000000',
    URL_SIGNING_SECRET: 'openapi-document-only-secret-000000000000',
    WEBHOOK_SECRETS_KEY: '0'.repeat(64),
  });
  const db = createDb(UNUSED_DATABASE_URL, 1);
  const secrets = await loadSecrets(config);
  const store = await createBlobStore(config, secrets);
  const runtime: Runtime = {
    config,
    logger: createLogger('silent'),
    db,
    databaseUrl: UNUSED_DATABASE_URL,
    queue: createPgBossQueue(UNUSED_DATABASE_URL, QUEUES),
    store,
    secrets,
    embedded: null,
    close: async () => {},
  };
  const app = await buildApp(runtime, createServices(runtime));
  try {
    await app.ready();
    return app.swagger({ yaml: false });
  } finally {
    await app.close();
    await store.close?.();
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}
