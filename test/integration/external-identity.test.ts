import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register } from '../helpers/api.ts';

const ISSUER = 'https://idp.example.test/';
let jwks: Server;
let jwksRequests = 0;
let t: TestApp;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let privateKey: PrivateKey;

interface SignOptions {
  subject?: string;
  issuer?: string;
  audience?: string;
  kid?: string;
  key?: PrivateKey;
}
const sign = (claims: Record<string, unknown>, options: SignOptions = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'test-key' })
    .setSubject(options.subject ?? 'idp-user-1')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? 'vitae')
    .setExpirationTime('5m')
    .sign(options.key ?? privateKey);
const me = async (token: string) => {
  const response = await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await json(response) };
};

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => {
    jwksRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
  t = await startTestApp({ antivirus: false, workers: false, env: { AUTH_JWKS_URL: url, AUTH_JWKS_ISSUER: ISSUER, AUTH_JWKS_AUDIENCE: 'vitae' } });
});
afterAll(async () => {
  await t?.close();
  jwks?.close();
});

it('trusts tokens of the configured identity provider, mapped to users by email, and binds the provider’s subject', async () => {
  const user = await register(t, { role: 'recruiter', orgName: 'Federated Org', email: 'Federated@Example.test' });
  const first = await me(await sign({ email: 'federated@example.test', email_verified: true }));
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ id: user.user.id, role: 'recruiter', org_role: 'admin' });
  const row = await t.runtime.db.selectFrom('users').select('external_subject').where('id', '=', user.user.id).executeTakeFirstOrThrow();
  expect(row.external_subject).toBe('idp-user-1');
  // The person's role and organization apply: an org admin's provider token manages keys.
  const key = await t.fetch('/api/v1/api-keys', {
    method: 'POST',
    headers: { authorization: `Bearer ${await sign({ email: 'federated@example.test' })}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'from the idp', scopes: ['files:read'] }),
  });
  expect(key.status).toBe(201);
  // Vitae's own tokens keep working next to the provider's.
  expect((await t.fetch('/api/v1/auth/me', { headers: user.headers })).status).toBe(200);
});

it('follows the subject once bound: another subject with the same email is refused', async () => {
  const hijack = await me(await sign({ email: 'federated@example.test' }, { subject: 'idp-user-2' }));
  expect([hijack.status, hijack.body.code]).toEqual([401, 'unknown_user']);
});

it('refuses unknown users, unverified emails, other issuers, audiences or keys, and unsigned tokens', async () => {
  await register(t, { role: 'candidate', email: 'unverified@example.test' });
  const unknown = await me(await sign({ email: 'stranger@example.test' }, { subject: 'idp-stranger' }));
  expect([unknown.status, unknown.body.code]).toEqual([401, 'unknown_user']);
  const { privateKey: otherKey } = await generateKeyPair('RS256');
  const refused = [
    await sign({ email: 'unverified@example.test', email_verified: false }, { subject: 'idp-unverified' }),
    await sign({ email: 'federated@example.test' }, { issuer: 'https://evil.example/' }),
    await sign({ email: 'federated@example.test' }, { audience: 'someone-else' }),
    await sign({ email: 'federated@example.test' }, { key: otherKey }),
    await sign({ email: 'federated@example.test' }, { kid: 'unknown-key', key: otherKey }),
    await sign({}, { subject: 'idp-user-1' }),
    new UnsecuredJWT({ email: 'federated@example.test' }).setSubject('idp-user-1').setIssuer(ISSUER).setAudience('vitae').setExpirationTime('5m').encode(),
  ];
  for (const token of refused) {
    const response = await me(token);
    expect([response.status, response.body.code]).toEqual([401, 'invalid_token']);
  }
  const unverified = await t.runtime.db.selectFrom('users').select('external_subject').where('email', '=', 'unverified@example.test').executeTakeFirstOrThrow();
  expect(unverified.external_subject).toBeNull();
});

it('does not fetch the provider’s keys for tokens of its own', async () => {
  const user = await register(t, { role: 'candidate' });
  const before = jwksRequests;
  const broken = `${user.token.slice(0, -4)}AAAA`;
  for (let i = 0; i < 5; i += 1) expect((await me(broken)).status).toBe(401);
  expect(jwksRequests).toBe(before);
});

it('lets an account erase itself without its password only with a token the provider issued in the last five minutes', async () => {
  const candidate = await register(t, { role: 'candidate', email: 'leaving@example.test' });
  const issuedAt = (secondsAgo: number) =>
    new SignJWT({ email: 'leaving@example.test', email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject('idp-leaving')
      .setIssuer(ISSUER)
      .setAudience('vitae')
      .setIssuedAt(Math.floor(Date.now() / 1000) - secondsAgo)
      .setExpirationTime('1h')
      .sign(privateKey);
  const erase = async (token: string) => t.fetch('/api/v1/me', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });

  const old = await erase(await issuedAt(10 * 60));
  expect([old.status, (await json(old)).code]).toEqual([403, 'reauthentication_required']);
  // Vitae's own token, however fresh, proves no sign-in at the provider.
  const local = await erase(candidate.token);
  expect([local.status, (await json(local)).code]).toEqual([403, 'reauthentication_required']);
  expect((await me(candidate.token)).status).toBe(200);

  const fresh = await issuedAt(30);
  expect((await erase(fresh)).status).toBe(204);
  expect((await me(fresh)).body.code).toBe('unknown_user');
  expect((await me(candidate.token)).status).toBe(401);
});
