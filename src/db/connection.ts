import type { Config } from '../config.ts';
import { readEmbeddedConnection, startEmbeddedPostgres } from './embedded.ts';

export interface DatabaseConnection {
  url: string;
  /** Stops the embedded server when this command started it; a no-op otherwise. */
  release(): Promise<void>;
}

/**
 * The database for a one-off command (`migrate`, `backup`, `restore`): the external one, the
 * embedded server that `vitae serve` runs (so that the command works while it serves), or else
 * the embedded server started for this command alone and stopped after it. Only the URL: unlike
 * `createRuntime`, no queue is started, whose schema would make an empty restore target non-empty.
 */
export async function connectForCommand(config: Config): Promise<DatabaseConnection> {
  if (config.database.mode === 'external') return { url: config.database.url, release: async () => {} };
  const running = await readEmbeddedConnection(config.database.dataDir);
  if (running) return { url: running.connectionString, release: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port });
  return { url: embedded.connectionString, release: () => embedded.stop() };
}
