#!/usr/bin/env node
// `vitae`, the package's command: what `npm start`, `npm run worker` and the container's entrypoint
// run. It runs the CLI compiled to JavaScript (dist/cli.js, from `npm run build`, which `npm install`
// runs), because running the TypeScript sources makes Node.js load its type-stripping compiler,
// about 20 MB of resident memory for the life of the process (bench/README.md, "Memory"). It is
// plain JavaScript itself for the same reason.
//
// Without dist/, or when a file in src/ changed after dist/ was built, it runs the sources instead
// and says so on stderr: an edit is never silently left out, and `npm run build` makes it compiled
// again. Without src/ (an installation of the compiled code alone) it runs dist/.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Why dist/ cannot be run in place of src/, or null when it can. */
function staleness() {
  let built;
  try {
    // Dated when the build started (tools/build-server.ts), so a source saved during it counts as newer.
    built = statSync(path.join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return 'dist/ is not built';
  }
  let sources;
  try {
    sources = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of sources) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && statSync(file).mtimeMs > built) return `${path.relative(root, file)} changed after dist/ was built`;
  }
  return null;
}

const stale = staleness();
if (stale) process.stderr.write(`vitae: ${stale}; running the TypeScript sources instead (\`npm run build\` compiles them).\n`);
await import(stale ? '../src/cli.ts' : '../dist/cli.js');
