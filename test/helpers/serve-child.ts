import { spawn, type ChildProcess } from 'node:child_process';

export interface ServeChild {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the server printed so far (its JSON log lines). */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `vitae serve` (bin/vitae.js, as `npm start` runs it) as a child process on a port of its own
 * choosing (PORT=0), resolved once it says where it listens and /readyz answers 200. `cwd` and `execPath` let a test run another copy of
 * the project, or run it from a directory of its own.
 */
export async function startServe(env: Record<string, string>, options: { cwd?: string; execPath?: string } = {}): Promise<ServeChild> {
  const child = spawn(options.execPath ?? process.execPath, ['bin/vitae.js', 'serve'], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exit;
  };

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const found = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(output);
      if (found) {
        child.stdout.off('data', onData);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', onData);
    void exit.then((code) => reject(new Error(`vitae serve exited with ${code} before it listened:\n${output}`)));
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vitae serve exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, baseUrl, output: () => output, stop };
}
