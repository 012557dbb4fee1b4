import { createRuntime } from '../runtime.ts';
import { createServices } from '../services/index.ts';
import { startWorkers } from '../worker.ts';
import { onShutdownSignal } from './serve.ts';
import { installProcessGuard } from '../process-guard.ts';
import { recoverFromCrash } from '../recovery.ts';
import type { Command } from './types.ts';

export const worker: Command = {
  options: {},
  async run({ config, logger }) {
    installProcessGuard(logger);
    // In the embedded mode this attaches to the PostgreSQL that `vitae serve` started.
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: false, migrate: true });
    const services = createServices(runtime);
    await recoverFromCrash(runtime, services);
    await startWorkers(runtime, services);
    logger.info('worker started');
    onShutdownSignal(logger, () => runtime.close());
    return -1;
  },
};
