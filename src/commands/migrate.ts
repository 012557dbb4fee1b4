import { connectForCommand } from '../db/connection.ts';
import { createDb } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadSecrets } from '../secrets.ts';
import type { Command } from './types.ts';

export const migrate: Command = {
  options: {},
  async run({ config }) {
    const connection = await connectForCommand(config);
    const db = createDb(connection.url, 2);
    try {
      const result = await migrateToLatest(db, await loadSecrets(config));
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      return 0;
    } finally {
      await db.destroy();
      await connection.release();
    }
  },
};
