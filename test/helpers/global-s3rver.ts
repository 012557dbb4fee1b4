import type { TestProject } from 'vitest/node';
import { stopOnExit, stopProcess } from './abort-cleanup.ts';
import { startS3rver } from './s3rver.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const s3 = await startS3rver();
  const forget = stopOnExit(() => stopProcess(s3.pid, s3.directory));
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await s3.stop();
    forget();
  };
}
