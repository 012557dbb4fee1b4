import type { TestProject } from 'vitest/node';
import { startS3rver } from './s3rver.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const s3 = await startS3rver();
  project.provide('s3Endpoint', s3.endpoint);
  return () => s3.stop();
}
