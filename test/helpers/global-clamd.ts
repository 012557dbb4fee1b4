import type { TestProject } from 'vitest/node';
import { startClamd } from './clamd.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clamdHost: string;
    clamdPort: number;
    /** Its signature directory, where a test may add a signature (then `reloadClamd`). */
    clamdDatabase: string;
  }
}

/** One clamd for the project's integration tests. */
export default async function setup(project: TestProject) {
  const clamd = await startClamd();
  project.provide('clamdHost', clamd.host);
  project.provide('clamdPort', clamd.port);
  project.provide('clamdDatabase', clamd.database);
  return () => clamd.stop();
}
