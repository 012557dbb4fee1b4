import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedConnection, socketDirectory, startEmbeddedPostgres } from '../../src/db/embedded.ts';

const isRoot = process.getuid?.() === 0;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-embedded-'));
  await chmod(dir, 0o755); // run as root, the server runs as the postgres user, which must enter it
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Runs test/helpers/embedded-pg-child.ts on dataDir and waits until its server is ready. */
async function startChild(dataDir: string, options: { execPath?: string; uid?: number; gid?: number; detached?: boolean } = {}) {
  const { execPath = process.execPath, ...spawnOptions } = options;
  const child = spawn(execPath, ['test/helpers/embedded-pg-child.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'], ...spawnOptions });
  const line = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready .*\n/.exec(output);
      if (ready) resolve(ready[0]);
    });
    child.once('exit', (code) => reject(new Error(`the child exited with ${code} before its server was ready`)));
  });
  const [, reused, url] = /ready reused=(\w+) (\S+)/.exec(line)!;
  return { child, url: url!, reused: reused === 'true' };
}

async function exited(child: ChildProcess, signal?: NodeJS.Signals): Promise<number | null> {
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (signal) child.kill(signal);
  return exit;
}

function portAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Pids of the processes working in a directory: a postmaster and its children work in their data directory. */
async function processesIn(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    if ((await readlink(`/proc/${pid}/cwd`).catch(() => '')) === directory) found.push(pid);
  }
  return found;
}

it('puts the socket in the cluster directory only where its path fits and needs no quoting', () => {
  expect(socketDirectory('/srv/vitae/pg')).toBe('/srv/vitae/pg');
  expect(socketDirectory(`/srv/${'x'.repeat(100)}/pg`)).toBeNull(); // longer than a socket's path may be
  expect(socketDirectory('/srv/my data/pg')).toBeNull();
});

it('initializes a cluster on first start: loopback only, a generated password in a 0600 file, fsync and checksums on; data kept across restarts', async () => {
  const dataDir = path.join(dir, 'fresh', 'pg');
  const first = await startEmbeddedPostgres({ dataDir });
  const port = Number(new URL(first.connectionString).port);
  try {
    expect(first.reused).toBe(false);
    // Vitae connects through the Unix socket in the cluster's directory; TCP on loopback still answers.
    const url = new URL(first.connectionString);
    expect(`${url.protocol}//${url.username}@${url.hostname}${url.pathname}`).toBe('postgres://vitae@127.0.0.1/vitae');
    expect(url.password).toMatch(/^[\w-]{32}$/);
    expect(url.searchParams.get('host')).toBe(first.directory);
    expect((await query(first.connectionString, 'SELECT inet_client_addr() AS address'))[0].address).toBeNull();
    const overTcp = first.connectionString.replace(/\?host=.*$/, '');
    expect((await query(overTcp, 'SELECT inet_client_addr() AS address'))[0].address).toBe('127.0.0.1');
    const [settings] = await query(
      first.connectionString,
      "SELECT version(), current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync, current_setting('data_checksums') AS checksums, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()",
    );
    expect(settings).toMatchObject({ listen: '127.0.0.1', fsync: 'on', checksums: 'on', encoding: 'UTF8' });
    expect(settings.version).toMatch(/^PostgreSQL 17\./);
    expect((await query(first.urlFor('postgres'), 'SELECT current_database() AS db'))[0].db).toBe('postgres');
    await query(first.connectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");

    const credentials = await stat(path.join(dataDir, 'vitae-credentials.json'));
    expect(credentials.mode & 0o777).toBe(0o600);
    expect(JSON.stringify(await readdir(path.dirname(dataDir)))).not.toMatch(/\.init-/);
    await expect(query(first.connectionString.replace(/:[^:@]+@/, ':wrong@'), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    const otherAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === 'IPv4');
    for (const address of otherAddresses) expect(await portAccepts(address!.address, port)).toBe(false);
  } finally {
    await first.stop();
  }
  await first.stop(); // idempotent
  expect(await readEmbeddedConnection(dataDir)).toBeNull();

  const second = await startEmbeddedPostgres({ dataDir });
  try {
    expect(second.reused).toBe(false);
    expect(second.connectionString).toBe(first.connectionString); // same password, and the same port while it is free
    expect((await query(second.connectionString, 'SELECT v FROM kept'))[0].v).toBe('still here');
  } finally {
    await second.stop();
  }
});

describe('a server outliving the process that started it', () => {
  it('is adopted after a kill -9 of that process, keeping the data and the connections of other processes', async () => {
    const dataDir = path.join(dir, 'crash', 'pg');
    const { child, url } = await startChild(dataDir);
    await exited(child, 'SIGKILL');

    // The server outlived its parent: a worker still finds it, and stays connected through the adoption.
    const running = await readEmbeddedConnection(dataDir);
    expect(running?.connectionString).toBe(url);
    const worker = new pg.Client({ connectionString: running!.connectionString });
    await worker.connect();
    try {
      const next = await startEmbeddedPostgres({ dataDir });
      try {
        expect(next.reused).toBe(true);
        expect(next.connectionString).toBe(url);
        expect((await query(next.connectionString, 'SELECT note FROM survivors'))[0].note).toBe('written before the crash');
        expect((await worker.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      } finally {
        await worker.end();
        await next.stop();
      }
    } catch (error) {
      await worker.end().catch(() => {});
      throw error;
    }
    expect(await readEmbeddedConnection(dataDir)).toBeNull();
    const again = await startEmbeddedPostgres({ dataDir });
    expect(again.reused).toBe(false);
    await again.stop();
  });

  it('keeps the server running through a Ctrl-C to the process group of its parent', async () => {
    const dataDir = path.join(dir, 'ctrl-c', 'pg');
    const { child, url } = await startChild(dataDir, { detached: true }); // the leader of a process group, as in a terminal
    const exit = exited(child);
    process.kill(-child.pid!, 'SIGINT');
    await exit;
    expect((await readEmbeddedConnection(dataDir))?.connectionString).toBe(url);
    const next = await startEmbeddedPostgres({ dataDir });
    expect(next.reused).toBe(true);
    await next.stop();
  });

  it('restarts the server left running when another port is asked for', async () => {
    const dataDir = path.join(dir, 'crash-port', 'pg');
    const { child, url } = await startChild(dataDir);
    await exited(child, 'SIGKILL');
    const oldPort = Number(new URL(url).port);
    const next = await startEmbeddedPostgres({ dataDir, port: oldPort + 1 });
    try {
      expect(next.reused).toBe(false);
      expect(new URL(next.connectionString).port).toBe(String(oldPort + 1));
      expect(await portAccepts('127.0.0.1', oldPort)).toBe(false);
      expect((await query(next.connectionString, 'SELECT count(*)::int AS n FROM survivors'))[0].n).toBe(1);
    } finally {
      await next.stop();
    }
  });
});

it('refuses to start on a data directory whose server another live process runs, and leaves that server alone', async () => {
  const dataDir = path.join(dir, 'shared', 'pg');
  const { child, url } = await startChild(dataDir);
  try {
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(new RegExp(`Another Vitae process \\(pid ${child.pid}\\)`));
    expect((await readEmbeddedConnection(dataDir))?.connectionString).toBe(url);
    expect((await query(url, 'SELECT note FROM survivors'))[0].note).toBe('written before the crash');
  } finally {
    expect(await exited(child, 'SIGTERM')).toBe(0);
  }
  expect(await readEmbeddedConnection(dataDir)).toBeNull();
});

it('lets one of two simultaneous first starts win and tells the other why', async () => {
  const dataDir = path.join(dir, 'race', 'pg');
  const results = await Promise.allSettled([startEmbeddedPostgres({ dataDir }), startEmbeddedPostgres({ dataDir })]);
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  try {
    expect(started).toHaveLength(1);
    expect(refused[0]?.message).toMatch(/Another (Vitae )?process/);
    expect((await query(started[0]!.connectionString, 'SELECT 1 AS one'))[0].one).toBe(1);
    expect(JSON.stringify(await readdir(path.dirname(dataDir)))).not.toMatch(/\.init-/);
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
});

it.runIf(process.platform === 'linux')('recovers when the server itself was killed and its pid now belongs to another process', async () => {
  const dataDir = path.join(dir, 'postmaster-crash', 'pg');
  const first = await startEmbeddedPostgres({ dataDir });
  await query(first.connectionString, "CREATE TABLE committed (v text); INSERT INTO committed VALUES ('durable')");
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const [postmaster, ...rest] = (await readFile(lockFile, 'utf8')).split('\n');
  process.kill(Number(postmaster), 'SIGKILL');
  while ((await processesIn(dataDir)).length > 0) await sleep(50); // its children exit when they see it gone
  await first.stop();

  // As after a reboot: the stale postmaster.pid names a live process that is not PostgreSQL.
  const impostor = spawn('sleep', ['120']);
  try {
    await writeFile(lockFile, [String(impostor.pid), ...rest].join('\n'));
    const next = await startEmbeddedPostgres({ dataDir });
    try {
      expect(next.reused).toBe(false);
      expect((await query(next.connectionString, 'SELECT v FROM committed'))[0].v).toBe('durable');
    } finally {
      await next.stop();
    }
  } finally {
    await exited(impostor, 'SIGKILL');
  }
});

describe.runIf(isRoot)('run as root', () => {
  it('keeps the cluster where the postgres user can reach it when the data directory is private, and finds it there again', async () => {
    const closed = await mkdtemp(path.join(tmpdir(), 'vitae-embedded-closed-')); // mode 0700, as /root
    const dataDir = path.join(closed, 'data', 'pg');
    let cluster = '';
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      try {
        cluster = first.directory;
        expect(cluster).toMatch(/^\/var\/lib\/vitae\/clusters\/[0-9a-f]{16}\/pg$/);
        expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
        expect(await readlink(dataDir)).toBe(cluster);
        expect(await readFile(path.join(path.dirname(cluster), 'data-dir'), 'utf8')).toBe(`${dataDir}\n`);
        expect((await stat(cluster)).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
        await query(first.connectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        expect((await readEmbeddedConnection(dataDir))?.connectionString).toBe(first.connectionString);
      } finally {
        await first.stop();
      }
      const second = await startEmbeddedPostgres({ dataDir });
      try {
        expect(second.directory).toBe(cluster);
        expect((await query(second.connectionString, 'SELECT v FROM kept'))[0].v).toBe('still here');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(closed, { recursive: true, force: true });
      if (cluster) await rm(path.dirname(cluster), { recursive: true, force: true });
    }
  });

  it('runs as an ordinary user too, with the server, its files and the credentials owned by that user', async () => {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
    const home = path.join(dir, 'ordinary');
    await mkdir(home, { mode: 0o755 });
    // The Node binary of this run may sit in a directory closed to that user.
    const execPath = path.join(home, 'node');
    await copyFile(process.execPath, execPath);
    await chmod(execPath, 0o755);
    await mkdir(path.join(home, 'data'));
    await chown(path.join(home, 'data'), uid, gid);
    const dataDir = path.join(home, 'data', 'pg');

    const first = await startChild(dataDir, { execPath, uid, gid });
    await exited(first.child, 'SIGKILL');
    const second = await startChild(dataDir, { execPath, uid, gid });
    try {
      expect(second.reused).toBe(true);
      expect((await query(second.url, 'SELECT count(*)::int AS n FROM survivors'))[0].n).toBe(2);
      const postmaster = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!;
      expect(execFileSync('ps', ['-o', 'user=', '-p', postmaster], { encoding: 'utf8' }).trim()).toBe('nobody');
      const credentials = await stat(path.join(dataDir, 'vitae-credentials.json'));
      expect({ uid: credentials.uid, mode: credentials.mode & 0o777 }).toEqual({ uid, mode: 0o600 });
    } finally {
      expect(await exited(second.child, 'SIGTERM')).toBe(0);
    }
    expect(await readEmbeddedConnection(dataDir)).toBeNull();
  });
});
