// Compiles the server into dist/ (`npm run build:server`) before the infra suites, which run Vitae
// through bin/vitae.js as `npm start` does: they then test the JavaScript that ships, and bin/vitae.js
// never falls back to the sources because an edit made them newer than an earlier build.
import { execFileSync } from 'node:child_process';

export default function globalBuild(): void {
  execFileSync(process.execPath, ['tools/build-server.ts'], { stdio: 'inherit' });
}
