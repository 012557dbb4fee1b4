import type { ReadinessCheck } from '../http/routes/health.ts';
import type { Runtime } from '../runtime.ts';

/** The use cases, built once from the runtime's adapters; routes and workers call these. */
export interface Services {
  readinessChecks: ReadinessCheck[];
}

export function createServices(runtime: Runtime): Services {
  void runtime;
  return { readinessChecks: [] };
}
