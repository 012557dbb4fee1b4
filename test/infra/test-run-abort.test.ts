import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stopPostgresUnder } from '../helpers/abort-cleanup.ts';

// `npm test` interrupted as Ctrl-C does (SIGINT to its whole process group) once its embedded
// PostgreSQL and clamd are up: nothing it started may outlive it. The run gets a temp directory of
// its own (TMPDIR), so that its servers are told apart from those of any other run on the machine.
let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'vitae-abort-'));
  await chmod(temp, 0o755); // run as root, the embedded PostgreSQL runs as the postgres user, which must enter it
});
afterAll(async () => {
  stopPostgresUnder(temp); // when the run under test left one, this test fails and still cleans up
  await rm(temp, { recursive: true, force: true });
});

/** Processes whose command line names a path under `dir`. */
function processesUnder(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile('pgrep', ['-af', dir], (error, stdout) => {
      if (error !== null && error.code !== 1) reject(new Error(`pgrep failed: ${error.message}`));
      else resolve(stdout.split('\n').filter(Boolean));
    }),
  );
}

async function serversUp(): Promise<boolean> {
  const entries = await readdir(temp, { recursive: true }).catch(() => []);
  return entries.some((entry) => entry.endsWith('postmaster.pid')) && entries.some((entry) => entry.endsWith('clamd.conf'));
}

it('an interrupted test run stops its embedded PostgreSQL and clamd and removes their directories', async () => {
  const run = spawn(process.execPath, ['test/run.ts', '--project', 'api:embedded-local', 'test/integration/operations.test.ts'], {
    env: { ...process.env, TMPDIR: temp },
    detached: true, // a process group of its own, as a terminal gives a command
    stdio: 'ignore',
  });
  const exited = once(run, 'exit');
  try {
    for (const deadline = Date.now() + 120_000; !(await serversUp()); await sleep(200)) {
      if (Date.now() > deadline || run.exitCode !== null) throw new Error('the test run did not start its servers');
    }
    expect((await processesUnder(temp)).some((line) => line.includes('postgres'))).toBe(true);
    expect((await processesUnder(temp)).some((line) => line.includes('clamd'))).toBe(true);

    process.kill(-run.pid!, 'SIGINT');
    const [code] = await exited;
    expect(code).not.toBe(0);
    expect(await processesUnder(temp)).toEqual([]);
    // (Node's compile cache may be there too: it is no server's.)
    expect((await readdir(temp)).filter((entry) => /^vitae-(embedded-pg|clamd)-/.test(entry))).toEqual([]);
  } finally {
    if (run.exitCode === null && run.signalCode === null) process.kill(-run.pid!, 'SIGKILL');
  }
});
