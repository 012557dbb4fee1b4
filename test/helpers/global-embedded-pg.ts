import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPgAdminUrl: string;
  }
}

/** One embedded PostgreSQL for the whole project; each test file creates its own database on it. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitae-embedded-pg-'));
  await chmod(dir, 0o755); // the server runs as the postgres user when the tests run as root
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  project.provide('embeddedPgAdminUrl', server.urlFor('postgres'));
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
