// `npm run build:server` (part of `npm run build`, which `npm install` runs): compiles src/ into
// JavaScript in dist/, file for file (dist/cli.js is src/cli.ts, dist/http/app.js is
// src/http/app.ts), for bin/vitae.js to run. The layout is the same so that the modules that find
// files relative to their own path (package.json, web/dist) find them from either. Only emits: type
// errors are `npm run typecheck`'s to report.
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const started = new Date();
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

// Without what an earlier build left (a module since deleted from src/), and, should this build fail,
// without any dist/ at all: bin/vitae.js then runs the sources.
rmSync(dist, { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// Dated when the build started: bin/vitae.js runs the sources when one of them is newer.
const stamp = path.join(dist, '.built');
writeFileSync(stamp, 'bin/vitae.js runs dist/ while no file in src/ is newer than this one.\n');
utimesSync(stamp, started, started);
