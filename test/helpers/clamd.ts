import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClamdScanner } from '../../src/scan/clamd.ts';
import { stopOnExit, stopProcess } from './abort-cleanup.ts';

export interface RunningClamd {
  host: string;
  port: number;
  /** The unix socket it also listens on. */
  socket: string;
  /** The clamd.conf it runs with (for `clamdscan -c`). */
  config: string;
  /** Its signature directory. */
  database: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real clamd on loopback with the test signatures of test/fixtures/clamav (the official
 * database cannot be downloaded here, and clamd refuses to start without one): EICAR, and the
 * harmless clam.exe that Debian's clamav-testfiles wraps in many formats.
 */
export async function startClamd(
  options: { streamMaxLength?: string; port?: number; maxThreads?: number; extraConfig?: string[] } = {},
): Promise<RunningClamd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitae-clamd-'));
  // Registered before clamd starts: a run interrupted while it loads its signatures leaves nothing either.
  const running: { pid?: number } = {};
  const forget = stopOnExit(() => (running.pid === undefined ? rmSync(dir, { recursive: true, force: true }) : stopProcess(running.pid, dir)));
  const database = path.join(dir, 'db');
  await cp(path.resolve('test/fixtures/clamav'), database, { recursive: true });
  const port = options.port ?? (await freePort());
  const config = [
    'Foreground yes',
    `TCPSocket ${port}`,
    'TCPAddr 127.0.0.1',
    `LocalSocket ${path.join(dir, 'clamd.sock')}`,
    `DatabaseDirectory ${database}`,
    `TemporaryDirectory ${dir}`,
    `LogFile ${path.join(dir, 'clamd.log')}`,
    `PidFile ${path.join(dir, 'clamd.pid')}`,
    `StreamMaxLength ${options.streamMaxLength ?? '25M'}`,
    `MaxThreads ${options.maxThreads ?? 8}`,
    'MaxQueue 200',
    'ReadTimeout 30',
    'User root',
    ...(options.extraConfig ?? []),
  ].join('\n');
  await writeFile(path.join(dir, 'clamd.conf'), `${config}\n`);
  const child: ChildProcess = spawn('/usr/sbin/clamd', ['-c', path.join(dir, 'clamd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  running.pid = child.pid;
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const scanner = new ClamdScanner({ host: '127.0.0.1', port, timeoutMs: 2_000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clamd exited: ${stderr}`);
    try {
      await scanner.check();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`clamd did not answer PING: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    host: '127.0.0.1',
    port,
    socket: path.join(dir, 'clamd.sock'),
    config: path.join(dir, 'clamd.conf'),
    database,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * What a signature update looks like to Vitae: a new signature (the MD5 of `bytes`) in clamd's
 * database, then RELOAD; resolves once clamd finds `bytes` infected.
 */
export async function addSignature(clamd: { host: string; port: number; database: string }, bytes: Buffer, name: string): Promise<void> {
  const md5 = createHash('md5').update(bytes).digest('hex');
  await writeFile(path.join(clamd.database, `${name}.hdb`), `${md5}:${bytes.length}:${name}\n`);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(clamd.port, clamd.host, () => socket.end('zRELOAD\0'));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
  const scanner = new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: 5_000 });
  const deadline = Date.now() + 60_000;
  while (
    (await scanner.scan({ open: async () => Readable.from([bytes]), size: bytes.length, contentType: 'text/plain', category: 'resume' })).result !== 'infected'
  ) {
    if (Date.now() > deadline) throw new Error('clamd did not load the new signature');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
