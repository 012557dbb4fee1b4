import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startClamd } from '../helpers/clamd.ts';

/**
 * Starts what the browser tests talk to: a clamd with the test signatures (EICAR) and `vitae
 * serve` in the embedded mode (its own PostgreSQL, local blobs) on the port the config chose.
 * Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('web/dist/index.html')) throw new Error('The web app is not built: run `npm run build` first (npm install does it).');
  const port = Number(process.env.VITAE_E2E_PORT);
  const baseUrl = `http://127.0.0.1:${port}`;
  const clamd = await startClamd();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitae-e2e-'));
  // The embedded PostgreSQL runs as "postgres" when started by root: it must be able to enter.
  await chmod(dataDir, 0o755);
  const server = spawn(process.execPath, ['bin/vitae.js', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      VITAE_DATA_DIR: dataDir,
      CLAMAV_HOST: clamd.host,
      CLAMAV_PORT: String(clamd.port),
      LOG_LEVEL: process.env.VITAE_E2E_LOG_LEVEL ?? 'warn',
      RATE_LIMIT_AUTH_PER_IP: '1000',
      RATE_LIMIT_AUTH_PER_ACCOUNT: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await clamd.stop();
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) {
      await stop();
      throw new Error(`The server exited with code ${server.exitCode} before it was ready.`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('The server did not become ready within 2 minutes.');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return stop;
}
