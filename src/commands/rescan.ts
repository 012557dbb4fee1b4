import { createRuntime } from '../runtime.ts';
import { createServices } from '../services/index.ts';
import type { Command } from './types.ts';

/** `vitae rescan --since 2026-01-01`: queues every clean file uploaded since then for another scan. */
export const rescan: Command = {
  options: { since: { type: 'string' } },
  async run({ config, logger, args }) {
    const since = new Date(String(args.since ?? ''));
    if (Number.isNaN(since.getTime())) {
      console.error('Usage: vitae rescan --since <ISO date>');
      return 2;
    }
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: false, migrate: false });
    try {
      const queued = await createServices(runtime).quarantine.rescanSince(since);
      console.log(`Queued ${queued} file versions for rescanning.`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
