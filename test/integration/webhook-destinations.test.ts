import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { newId } from '../../src/domain/ids.ts';
import { newWebhookSecret, SecretBox } from '../../src/services/webhooks/secret-box.ts';

/**
 * The SSRF guard of outbound webhooks, with the default WEBHOOK_ALLOW_PRIVATE_TARGETS=false.
 *
 * Names: this app is given a test resolver (the injectable `resolveHost` of the services). It
 * answers the names of `records` below and asks the system resolver for every other name, so that
 * `intranet.example.com` stands for a name an operator's /etc/hosts or internal DNS maps to
 * loopback, and `rebind.example.com` for a name whose DNS answer changes after registration.
 */
const PUBLIC_V4 = '93.184.215.14';
const records: Record<string, string[]> = {
  'intranet.example.com': ['127.0.0.1'],
  'mixed.example.com': [PUBLIC_V4, '10.0.0.5'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'public.example.com': [PUBLIC_V4, '2606:4700:4700::1111'],
  'rebind.example.com': [PUBLIC_V4],
};
async function resolveHost(hostname: string) {
  const answer = records[hostname];
  if (answer) return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return lookup(hostname, { all: true });
}

let t: TestApp;
let admin: Session;
let receiver: Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ resolveHost });
  admin = await register(t, { role: 'recruiter', orgName: 'Guarded Co' });
  // Every address that reaches this machine's loopback, IPv4 or IPv6, lands here.
  receiver = createServer((request, response) => {
    received.push(`${request.headers.host} ${request.url}`);
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  port = (receiver.address() as { port: number }).port;
});
afterAll(async () => {
  await t?.close();
  receiver?.close();
});

const createHook = (url: string) =>
  t.fetch('/api/v1/webhooks', {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['file.clean'] }),
  });

describe('registering a webhook', () => {
  it.each([
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[2002:7f00:1::]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[ff02::1]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://192.0.0.8/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://localhost/',
    'http://localhost./',
    'http://LOCALHOST../',
    'http://localhost.localdomain/',
    'http://ip6-localhost/',
    'http://ip6-loopback/',
    'http://printer.local/',
    'http://api.localhost/',
    'http://metadata.google.internal/',
    'http://intranet/',
    'http://intranet.example.com/',
    'http://mixed.example.com/',
    'http://mapped.example.com/',
  ])('%s is refused with 400 private_url', async (url) => {
    const response = await createHook(url);
    expect(response.status).toBe(400);
    expect((await json(response)).code).toBe('private_url');
  });

  it.each([
    // Not resolvable (yet): accepted, the check at delivery decides.
    'https://hooks.example.test/x',
    'https://public.example.com/hooks',
    'https://[2606:4700:4700::1111]/hooks',
    'https://1.1.1.1/hooks',
    // NAT64 and 6to4 forms of public addresses are public.
    'https://[64:ff9b::8.8.8.8]/hooks',
    'https://[2002:808:808::1]/hooks',
  ])('%s is accepted', async (url) => {
    expect((await createHook(url)).status).toBe(201);
  });
});

describe('delivering a webhook', () => {
  it('sends nothing to a destination that is not public, whatever its URL says or its name resolves to now', async () => {
    const { org_id: orgId } = admin.user;
    // Webhooks kept from before this check existed: their URLs were stored as written.
    const stored = [
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
      `http://[::127.0.0.1]:${port}/`,
      `http://[64:ff9b::127.0.0.1]:${port}/`,
      `http://[2002:7f00:1::]:${port}/`,
      `http://localhost:${port}/`,
      `http://localhost.:${port}/`,
      `http://intranet.example.com:${port}/`,
    ];
    const hookIds: string[] = [];
    for (const url of stored) {
      const id = newId();
      const secret_ciphertext = new SecretBox(t.env.WEBHOOK_SECRETS_KEY!).seal(newWebhookSecret(), id);
      await t.runtime.db
        .insertInto('webhooks')
        .values({ id, org_id: orgId!, url, events: ['file.clean'], created_by: admin.user.id, disabled_at: null, secret_ciphertext })
        .execute();
      hookIds.push(id);
    }
    // DNS rebinding: public when registered, loopback when delivered.
    records['rebind.example.com'] = [PUBLIC_V4];
    const rebind = await createHook(`http://rebind.example.com:${port}/`);
    expect(rebind.status).toBe(201);
    hookIds.push((await json(rebind)).id);
    records['rebind.example.com'] = ['127.0.0.1'];

    const upload = await uploadStreamed(t, admin, { bytes: Buffer.from('A resume\n'), filename: 'cv.txt', category: 'resume' });
    expect((await waitForScan(t, admin, (await json(upload)).id)).status).toBe('clean');

    const firstAttempt = async (hookId: string) => {
      const items = (await json(await t.fetch(`/api/v1/webhooks/${hookId}/deliveries`, { headers: admin.headers }))).items as Array<{
        attempts: number;
        last_error: string | null;
        status: string;
      }>;
      return items[0]?.attempts ? items[0] : null;
    };
    for (const hookId of hookIds) {
      await expect.poll(() => firstAttempt(hookId), { timeout: 20_000 }).not.toBeNull();
      const attempt = (await firstAttempt(hookId))!;
      expect(attempt.status).not.toBe('delivered');
      expect(attempt.last_error).toMatch(/not a public address/);
    }
    // Each attempt is recorded only after its request would have completed.
    expect(received).toEqual([]);
  });
});
