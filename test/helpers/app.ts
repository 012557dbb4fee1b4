import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { createServices, type ServiceOverrides, type Services } from '../../src/services/index.ts';
import { startWorkers } from '../../src/worker.ts';
import { freePort } from './clamd.ts';
import { createTestDatabase } from './databases.ts';

export interface TestApp {
  /** Base URL of the real HTTP server, e.g. http://127.0.0.1:41234 */
  url: string;
  runtime: Runtime;
  services: Services;
  app: FastifyInstance;
  env: Record<string, string>;
  /** fetch against the server; `path` starting with /api/v1 or a root path. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Run the queue workers in the same process (default true). */
  workers?: boolean;
  /** Connect to clamd started by global setup (default true). */
  antivirus?: boolean;
  /** Resolves webhook host names instead of the system resolver. */
  resolveHost?: ServiceOverrides['resolveHost'];
}

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts Vitae for one test file: a fresh database on the project's PostgreSQL (embedded or
 * system), a fresh blob store (a temp dir, or a new bucket on s3rver), the real HTTP server on
 * a loopback port, and the workers.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitae-test-'));
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    VITAE_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '6',
    JWT_SECRET: randomBytes(32).toString('hex'),
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'),
    VITAE_RUN_WORKERS: 'true',
    RATE_LIMIT_AUTH_PER_IP: '100000',
    RATE_LIMIT_AUTH_PER_ACCOUNT: '100000',
    HOST: '127.0.0.1',
    // Local pre-signed URLs point back at this server, so its address must be known up front.
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...(await storageEnv()),
    ...(options.antivirus === false ? {} : clamdEnv()),
    ...options.env,
  };
  const config = loadConfig(env);
  const runtime = await createRuntime(config, createLogger(config.logLevel), { startEmbeddedDatabase: false, migrate: true });
  const services = createServices(runtime, options.resolveHost ? { resolveHost: options.resolveHost } : {});
  const app = await buildApp(runtime, services);
  await app.listen({ host: '127.0.0.1', port });
  const url = config.publicUrl;
  if (options.workers !== false) await startWorkers(runtime, services);

  return {
    url,
    runtime,
    services,
    app,
    env,
    fetch: (p, init) => fetch(url + p, init),
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function storageEnv(): Promise<Record<string, string>> {
  if (process.env.VITAE_TEST_STORAGE !== 's3') return {};
  const endpoint = inject('s3Endpoint');
  const bucket = `vitae-t-${randomBytes(5).toString('hex')}`;
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return { STORAGE_DRIVER: 's3', S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', S3_REGION: 'us-east-1' };
}

function clamdEnv(): Record<string, string> {
  return { CLAMAV_HOST: inject('clamdHost'), CLAMAV_PORT: String(inject('clamdPort')) };
}

/** Runs a `vitae` CLI command against this app's database and storage; never throws on a non-zero exit. */
export function runCli(t: TestApp, args: string[]): Promise<{ code: number; out: string }> {
  return promisify(execFile)(process.execPath, ['src/cli.ts', ...args], { env: { ...process.env, ...t.env, LOG_LEVEL: 'silent' } }).then(
    (result) => ({ code: 0, out: result.stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
  );
}
