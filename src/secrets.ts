import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';

export interface Secrets {
  /** HS256 key for access tokens. */
  jwtSecret: string;
  /** HMAC key for the local blob store's pre-signed URLs. */
  urlSigningSecret: string;
  /** Key-encryption key of webhook signing secrets (see `services/webhooks/secret-box.ts`). */
  webhookSecretsKey: string;
}

const NAMES = ['jwtSecret', 'urlSigningSecret', 'webhookSecretsKey'] as const;

/**
 * Secrets come from the environment, or, in a single-machine setup, are generated on first
 * start and kept in `<data dir>/secrets.json` (mode 0600) so that tokens, URLs and webhook
 * secrets survive restarts.
 */
export async function loadSecrets(config: Config): Promise<Secrets> {
  const fromEnv: Partial<Secrets> = {
    jwtSecret: config.auth.jwtSecret,
    urlSigningSecret: config.urlSigningSecret,
    webhookSecretsKey: config.webhookSecretsKey,
  };
  if (NAMES.every((name) => fromEnv[name])) return fromEnv as Secrets;

  const file = path.join(config.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = Object.fromEntries(NAMES.map((name) => [name, stored[name] ?? randomBytes(32).toString('base64url')])) as unknown as Secrets;
  if (NAMES.some((name) => stored[name] !== generated[name])) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(generated), { mode: 0o600 });
  }
  return Object.fromEntries(NAMES.map((name) => [name, fromEnv[name] ?? generated[name]])) as unknown as Secrets;
}
