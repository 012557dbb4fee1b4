import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * What a test run started outside its own process, stopped however the run ends. The embedded
 * PostgreSQL is started detached (it must outlive Ctrl-C in `vitae serve`), and clamd is a child
 * that outlives its parent; Vitest answers SIGINT and SIGTERM, and a global set-up that throws, by
 * exiting without the global teardowns. So each server registers here a stop that runs from the
 * process's 'exit' event, which every way out but SIGKILL passes through — and that is why the
 * stops are synchronous. A normal teardown stops the server itself and unregisters its stop.
 */
const stops = new Set<() => void>();
let installed = false;

export function stopOnExit(stop: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runStops);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // Vitest exits on these itself; alone (before it listens or after it stopped), this process
      // would otherwise keep running once a listener is added.
      process.prependListener(signal, () => {
        if (process.listenerCount(signal) === 1) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      });
    }
  }
  stops.add(stop);
  return () => stops.delete(stop);
}

function runStops(): void {
  for (const stop of stops) {
    try {
      stop();
    } catch (error) {
      console.error(`could not stop a test server: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  stops.clear();
}

/**
 * Stops every process whose command line names a path under `dir` — the PostgreSQL server on a data
 * directory there (SIGINT: a fast shutdown, as `pg_ctl stop -m fast` sends), and the `initdb` or
 * `pg_ctl` of a server still starting — waits for them to end, and removes `dir`. Rounds, because a
 * server that was starting writes its files while it shuts down.
 */
export function stopPostgresUnder(dir: string): void {
  for (let round = 0; round < 10; round++) {
    const pids = [...new Set([...processesNaming(dir), ...postmasterPids(dir)])];
    for (const pid of pids) signal(pid, 'SIGINT');
    for (const pid of pids) waitUntilGone(pid, 30_000);
    rmSync(dir, { recursive: true, force: true });
    if (pids.length === 0) return;
  }
}

/** Stops a child process (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
export function stopProcess(pid: number, dir: string): void {
  if (isAlive(pid)) {
    signal(pid, 'SIGTERM');
    if (!waitUntilGone(pid, 5_000)) signal(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Linux: from /proc; elsewhere none, and the servers' postmaster.pid files are the list. */
function processesNaming(dir: string): number[] {
  if (!existsSync('/proc/self')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(dir)); // also `sh -c "exec postgres -D …"`, as pg_ctl starts it
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number)
    .filter(isAlive);
}

function postmasterPids(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => path.basename(file) === 'postmaster.pid')
    .map((file) => Number(readFileSync(path.join(dir, file), 'utf8').split('\n')[0]))
    .filter((pid) => Number.isInteger(pid) && pid > 0 && isAlive(pid) && !existsSync('/proc/self'));
}

/** Running, as opposed to gone or a zombie (a child that ended and that this process has not reaped). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    if (existsSync('/proc/self')) return false; // no such process
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** A process that ended meanwhile is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function waitUntilGone(pid: number, timeoutMs: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; Atomics.wait(pause, 0, 0, 50)) {
    if (!isAlive(pid)) return true;
  }
  return false;
}
