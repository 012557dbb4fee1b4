import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEmbeddedConnection } from '../../src/db/embedded.ts';
import { runVitae, startServe, type ServeHandle } from '../helpers/vitae-cli.ts';

// `vitae serve` (embedded PostgreSQL, local disk) under a load of concurrent signing requests from
// one organization, whose audit entries are group-committed, is killed with SIGKILL together with
// its PostgreSQL: every request it had answered must have its audit entry after the restart, and
// the chains must verify (beside the loaded server too), and still catch an entry deleted or edited afterwards.

let dir: string;
const servers: ServeHandle[] = [];
const env = () => ({ VITAE_DATA_DIR: dir, VITAE_ALLOW_NO_ANTIVIRUS: 'true', OCR_ENABLED: 'false' });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitae-audit-crash-'));
  await chmod(dir, 0o755); // the embedded PostgreSQL runs as its own user
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function postmasterPid(): Promise<number> {
  const lock = await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8');
  return Number(lock.split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('after a kill -9 of the server and its PostgreSQL under load, every answered request has its audit entry and the chains verify', async () => {
  const first = await startServe(env());
  servers.push(first);
  const api = (origin: string, route: string, init?: RequestInit) => fetch(`${origin}/api/v1${route}`, init);

  const registered = await api(first.origin, '/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'durable@example.test', password: 'orchid lantern velvet 42', name: 'Durable', role: 'recruiter', org_name: 'Durable' }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  const { access_token: token } = (await registered.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const initiate = () =>
    api(first.origin, '/files/upload/initiate', {
      method: 'POST',
      headers,
      body: JSON.stringify({ filename: 'cv.pdf', content_type: 'application/pdf', size: 1000, category: 'resume' }),
    });
  const seed = await initiate();
  expect(seed.status).toBe(201);
  const seedId = ((await seed.json()) as { file_id: string }).file_id;

  // 40 clients at once: half start uploads (the file rows and the entry in one statement), half
  // read the seed file's metadata (an entry of its own, found by the request id it answered with).
  const initiated: string[] = [];
  const readRequests: string[] = [];
  let crashed = false;
  const client = async (reads: boolean) => {
    while (!crashed) {
      try {
        if (reads) {
          const response = await api(first.origin, `/files/${seedId}`, { headers });
          await response.arrayBuffer();
          if (response.status === 200) readRequests.push(response.headers.get('x-request-id')!);
        } else {
          const response = await initiate();
          const body = await response.text();
          if (response.status === 201) initiated.push((JSON.parse(body) as { file_id: string }).file_id);
        }
      } catch {
        return; // the connection died with the server: that request was never answered
      }
    }
  };
  const load = Array.from({ length: 40 }, (_, i) => client(i % 2 === 1));
  const answered = (count: number) =>
    (async () => {
      while (initiated.length + readRequests.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
    })();
  await answered(100);
  // Verifying beside the running server, while entries keep arriving: each chain is read in one snapshot.
  const underLoad = await runVitae(['audit', 'verify'], env());
  expect(underLoad.code, underLoad.stdout + underLoad.stderr).toBe(0);
  await answered(initiated.length + readRequests.length + 200);

  const pgPid = await postmasterPid();
  process.kill(first.child.pid!, 'SIGKILL');
  process.kill(pgPid, 'SIGKILL');
  crashed = true;
  await Promise.all(load);
  while (alive(pgPid)) await new Promise((resolve) => setTimeout(resolve, 50));

  const second = await startServe(env());
  servers.push(second);
  const connection = await readEmbeddedConnection(path.join(dir, 'pg'));
  const db = new pg.Client({ connectionString: connection!.connectionString });
  await db.connect();
  try {
    const uploads = await db.query<{ file_id: string }>(
      `SELECT file_id FROM audit_events WHERE action = 'file.upload_initiated' AND file_id = ANY($1::uuid[])`,
      [initiated],
    );
    expect(new Set(uploads.rows.map((row) => row.file_id))).toEqual(new Set(initiated));
    const reads = await db.query<{ request_id: string }>(`SELECT request_id FROM audit_events WHERE action = 'file.metadata_read' AND request_id = ANY($1)`, [
      readRequests,
    ]);
    expect(new Set(reads.rows.map((row) => row.request_id))).toEqual(new Set(readRequests));
    // Under this load entries were group-committed: some transaction wrote several of them.
    const shared = await db.query<{ batches: number }>(
      `SELECT count(*)::int AS batches FROM (SELECT xmin::text FROM audit_events GROUP BY xmin::text HAVING count(*) > 1) AS batch`,
    );
    expect(shared.rows[0]!.batches).toBeGreaterThan(0);

    const verified = await runVitae(['audit', 'verify'], env());
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/\d+ chains, 0 broken/);

    // Deleting an entry from the middle of a lane, or editing one, is caught.
    const { rows } = await db.query<{ id: string; chain: string }>(
      `SELECT id, chain FROM audit_events WHERE chain = (SELECT chain FROM audit_events GROUP BY chain ORDER BY count(*) DESC LIMIT 1) ORDER BY seq LIMIT 1 OFFSET 5`,
    );
    const middle = rows[0]!;
    await db.query(`UPDATE audit_events SET details = '{"version": 2}' WHERE id = $1`, [middle.id]);
    const edited = await runVitae(['audit', 'verify'], env());
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`BROKEN  ${middle.chain}`);
    expect(edited.stdout).toContain(`entry ${middle.id} was modified`);
    await db.query(`DELETE FROM audit_events WHERE id = $1`, [middle.id]);
    const deleted = await runVitae(['audit', 'verify'], env());
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toContain(`BROKEN  ${middle.chain}`);
    expect(deleted.stdout).toContain('is missing (deleted?)');
  } finally {
    await db.end();
  }
}, 300_000);
