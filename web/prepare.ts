// `npm install` / `npm ci` build the server's JavaScript (dist/, which `npm start` runs) and the web
// app (web/dist, which it serves), so that `npm start` works on a fresh clone. A production install
// without the dev dependencies (`--omit=dev`) has neither TypeScript nor Vite: it skips the build
// instead of failing (build beforehand, e.g. in the image's build stage; without dist/, `vitae`
// runs the TypeScript sources).
import { spawnSync } from 'node:child_process';

try {
  import.meta.resolve('vite');
  import.meta.resolve('typescript');
} catch {
  console.log('vitae: TypeScript or Vite is not installed (dev dependencies omitted); not building the server nor the web app.');
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
