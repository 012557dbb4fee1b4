import { createDb } from '../db/database.ts';
import { readEmbeddedConnection, startEmbeddedPostgres } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadSecrets } from '../secrets.ts';
import type { Command } from './types.ts';

export const migrate: Command = {
  options: {},
  async run({ config }) {
    let url: string;
    let stop = async () => {};
    if (config.database.mode === 'external') {
      url = config.database.url;
    } else {
      const running = await readEmbeddedConnection(config.database.dataDir);
      if (running) url = running.connectionString;
      else {
        const embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port });
        url = embedded.connectionString;
        stop = () => embedded.stop();
      }
    }
    const db = createDb(url, 2);
    try {
      const result = await migrateToLatest(db, await loadSecrets(config));
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      return 0;
    } finally {
      await db.destroy();
      await stop();
    }
  },
};
