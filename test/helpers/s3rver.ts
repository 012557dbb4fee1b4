import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface S3rverHandle {
  endpoint: string;
  pid: number;
  /** Where it keeps the objects. */
  directory: string;
  stop(): Promise<void>;
}

/**
 * s3rver on loopback, in a child process: it needs the OpenSSL legacy provider (else
 * ListObjectsV2 with a continuation token answers 500), which can only be enabled at start-up.
 * It does not verify SigV4 signatures (expiry is enforced), has no versioning and ignores SSE.
 */
export async function startS3rver(options: { buckets?: string[] } = {}): Promise<S3rverHandle> {
  const directory = await mkdtemp(path.join(tmpdir(), 'vitae-s3rver-'));
  const settings = {
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  };
  const script = `
    const S3rver = require('s3rver');
    new S3rver(${JSON.stringify(settings)}).run().then(({ port }) => console.log('port=' + port));
  `;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /port=(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    exited.then(([code]) => reject(new Error(`s3rver exited with ${String(code)}`)), reject);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    directory,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
