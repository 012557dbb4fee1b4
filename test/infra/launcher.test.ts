import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';

/**
 * bin/vitae.js (`vitae`, `npm start`) runs dist/ while it is at least as new as every file in src/,
 * and otherwise the sources, saying why. Here in a project of its own whose two CLIs only say which
 * one ran.
 */
let project: string;
const hourAgo = new Date(Date.now() - 3_600_000);

beforeEach(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'vitae-launcher-'));
  await mkdir(path.join(project, 'bin'));
  await copyFile('bin/vitae.js', path.join(project, 'bin', 'vitae.js'));
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  await mkdir(path.join(project, 'src', 'http'), { recursive: true });
  await writeFile(path.join(project, 'src', 'cli.ts'), "const args: string[] = process.argv.slice(2);\nconsole.log('sources', ...args);\n");
  await writeFile(path.join(project, 'src', 'http', 'app.ts'), 'export {};\n');
  await mkdir(path.join(project, 'dist'));
  await writeFile(path.join(project, 'dist', 'cli.js'), "console.log('compiled', ...process.argv.slice(2));\n");
  await writeFile(path.join(project, 'dist', '.built'), '');
  for (const file of ['src/cli.ts', 'src/http/app.ts']) await utimes(path.join(project, file), hourAgo, hourAgo);
});
afterEach(() => rm(project, { recursive: true, force: true }));

const run = () => promisify(execFile)(process.execPath, [path.join(project, 'bin', 'vitae.js'), 'serve', '--flag']);

it('runs the compiled CLI, with its arguments, when no source is newer than the build', async () => {
  expect(await run()).toEqual({ stdout: 'compiled serve --flag\n', stderr: '' });
});

it('runs the sources, and says which one changed, when a source is newer than the build', async () => {
  await utimes(path.join(project, 'src', 'http', 'app.ts'), new Date(), new Date(Date.now() + 1000));
  const { stdout, stderr } = await run();
  expect(stdout).toBe('sources serve --flag\n');
  expect(stderr).toContain(`${path.join('src', 'http', 'app.ts')} changed after dist/ was built`);
});

it('runs the sources when dist/ was never built', async () => {
  await rm(path.join(project, 'dist'), { recursive: true });
  const { stdout, stderr } = await run();
  expect(stdout).toBe('sources serve --flag\n');
  expect(stderr).toContain('dist/ is not built');
});

it('runs dist/ when only it is installed', async () => {
  await rm(path.join(project, 'src'), { recursive: true });
  expect(await run()).toEqual({ stdout: 'compiled serve --flag\n', stderr: '' });
});
