import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register } from '../helpers/api.ts';

let jwks: Server;
let t: TestApp;
let sign: (claims: Record<string, unknown>, options?: { issuer?: string; audience?: string }) => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject('idp-user-1')
      .setIssuer(options.issuer ?? 'https://idp.example.test/')
      .setAudience(options.audience ?? 'vitae')
      .setExpirationTime('5m')
      .sign(privateKey);
  t = await startTestApp({ antivirus: false, workers: false, env: { AUTH_JWKS_URL: url, AUTH_JWKS_ISSUER: 'https://idp.example.test/', AUTH_JWKS_AUDIENCE: 'vitae' } });
});
afterAll(async () => {
  await t?.close();
  jwks?.close();
});

it('trusts tokens of the configured identity provider, mapped to users by email', async () => {
  const user = await register(t, { role: 'candidate', email: 'federated@example.test' });
  const me = await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${await sign({ email: 'federated@example.test' })}` } });
  expect(me.status).toBe(200);
  expect((await json(me)).id).toBe(user.user.id);
  // Vitae's own tokens keep working next to the provider's.
  expect((await t.fetch('/api/v1/auth/me', { headers: user.headers })).status).toBe(200);
});

it('refuses the provider’s tokens for unknown users, other issuers or audiences', async () => {
  const unknown = await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${await sign({ email: 'stranger@example.test' })}` } });
  expect(unknown.status).toBe(401);
  expect((await json(unknown)).code).toBe('unknown_user');
  for (const options of [{ issuer: 'https://evil.example/' }, { audience: 'someone-else' }]) {
    const response = await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${await sign({ email: 'federated@example.test' }, options)}` } });
    expect(response.status).toBe(401);
  }
});
