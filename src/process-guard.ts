import { Counter } from 'prom-client';
import type { Logger } from 'pino';

/** Counted on /metrics (each app's registry registers it): a non-zero value is a bug to look at. */
export const unhandledErrors = new Counter({
  name: 'vitae_unhandled_errors_total',
  help: 'Errors no code handled (uncaught exceptions and unhandled rejections), logged instead of ending the process',
  labelNames: ['kind'] as const,
  registers: [],
});

/**
 * One request's stray error (an 'error' event nobody listens to, a rejected promise nobody awaits)
 * must not end a server that holds every other request: log it, count it, and go on. Every
 * stream Vitae reads already has its errors handled; this is the net below them.
 */
export function installProcessGuard(logger: Logger): void {
  process.on('uncaughtException', (error) => {
    unhandledErrors.inc({ kind: 'exception' });
    logger.error({ err: error }, 'uncaught exception (the process goes on)');
  });
  process.on('unhandledRejection', (reason) => {
    unhandledErrors.inc({ kind: 'rejection' });
    logger.error({ err: reason }, 'unhandled promise rejection (the process goes on)');
  });
}
