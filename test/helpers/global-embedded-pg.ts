import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { stopOnExit, stopPostgresUnder } from './abort-cleanup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the `postgres` database of the project's embedded server. */
    embeddedPgAdminUrl: string;
  }
}

/**
 * One embedded PostgreSQL for the whole project; each test file creates its own database on it.
 * A directory of its own per run, so that two runs in the same checkout do not share a server.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitae-embedded-pg-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  // Registered before the start, so that a run interrupted while the server starts stops it too.
  const forget = stopOnExit(() => stopPostgresUnder(dir));
  try {
    await chmod(dir, 0o755); // run as root, the server runs as the postgres user, which must enter it
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
    project.provide('embeddedPgAdminUrl', server.urlFor('postgres'));
    return async () => {
      await server.stop();
      await removeDir();
      forget();
    };
  } catch (error) {
    stopPostgresUnder(dir);
    forget();
    throw error;
  }
}
