import { buildApp } from '../http/app.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { startWorkers } from '../worker.ts';
import { createServices } from '../services/index.ts';
import { installProcessGuard } from '../process-guard.ts';
import { recoverFromCrash } from '../recovery.ts';
import type { Command } from './types.ts';

export const serve: Command = {
  options: {},
  async run({ config, logger }) {
    installProcessGuard(logger);
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: true, migrate: true });
    const services = createServices(runtime);
    // Before any request or job of this process starts, so that nothing of its own looks orphaned.
    await recoverFromCrash(runtime, services);
    const app = await buildApp(runtime, services);
    if (config.runWorkersInServe) await startWorkers(runtime, services);
    await app.listen({ host: config.host, port: config.port });
    if (!config.scanner.clamav) {
      logger.warn('No antivirus engine is configured: only the built-in content checks run. Set CLAMAV_HOST or CLAMAV_SOCKET.');
    }
    onShutdownSignal(logger, async () => {
      await app.close(); // stop accepting, finish in-flight requests
      await runtime.close(); // finish in-flight jobs, close the queue, the pool and the embedded server
    });
    return -1;
  },
};

/** On SIGTERM/SIGINT, shut down once; a second signal forces the exit. */
export function onShutdownSignal(logger: Runtime['logger'], shutdown: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
