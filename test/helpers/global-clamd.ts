import type { TestProject } from 'vitest/node';
import { startClamd } from './clamd.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clamdHost: string;
    clamdPort: number;
  }
}

/** One clamd for the project's integration tests. */
export default async function setup(project: TestProject) {
  const clamd = await startClamd();
  project.provide('clamdHost', clamd.host);
  project.provide('clamdPort', clamd.port);
  return () => clamd.stop();
}
