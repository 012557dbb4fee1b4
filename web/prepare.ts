// `npm install` / `npm ci` build the web app, so that `npm start` serves it on a fresh clone.
// A production install without the dev dependencies (`--omit=dev`) has no Vite: it skips the
// build instead of failing (build web/dist beforehand, e.g. in the image's build stage).
import { spawnSync } from 'node:child_process';

try {
  import.meta.resolve('vite');
} catch {
  console.log('vitae: Vite is not installed (dev dependencies omitted); not building the web app.');
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
