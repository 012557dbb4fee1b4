import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The system PostgreSQL of the test machine (trust auth); override with TEST_SYSTEM_PG_URL. */
export const SYSTEM_PG_ADMIN_URL = process.env.TEST_SYSTEM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The server under test for this project: the embedded one started by global setup, or the system one. */
export function adminUrl(): string {
  return process.env.VITAE_TEST_DB === 'system' ? SYSTEM_PG_ADMIN_URL : inject('embeddedPgAdminUrl');
}

/** Creates a fresh database for one test file, so that files run in parallel without sharing state. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = adminUrl();
  const name = `vitae_t_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
