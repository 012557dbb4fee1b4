import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';

export interface Secrets {
  /** HS256 key for access tokens. */
  jwtSecret: string;
  /** HMAC key for the local blob store's pre-signed URLs. */
  urlSigningSecret: string;
}

/**
 * Secrets come from the environment, or, in a single-machine setup, are generated on first
 * start and kept in `<data dir>/secrets.json` (mode 0600) so that tokens and URLs survive restarts.
 */
export async function loadSecrets(config: Config): Promise<Secrets> {
  const fromEnv = { jwtSecret: config.auth.jwtSecret, urlSigningSecret: config.urlSigningSecret };
  if (fromEnv.jwtSecret && fromEnv.urlSigningSecret) return fromEnv as Secrets;

  const file = path.join(config.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: Secrets = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    urlSigningSecret: stored.urlSigningSecret ?? randomBytes(32).toString('base64url'),
  };
  if (stored.jwtSecret !== secrets.jwtSecret || stored.urlSigningSecret !== secrets.urlSigningSecret) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return {
    jwtSecret: fromEnv.jwtSecret ?? secrets.jwtSecret,
    urlSigningSecret: fromEnv.urlSigningSecret ?? secrets.urlSigningSecret,
  };
}
