import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';

let t: TestApp;
let admin: Session;
let otherAdmin: Session;
let candidate: Session;

beforeAll(async () => {
  t = await startTestApp({ antivirus: false });
  admin = await register(t, { role: 'recruiter', orgName: 'Org A' });
  otherAdmin = await register(t, { role: 'recruiter', orgName: 'Org B' });
  candidate = await register(t, { role: 'candidate' });
});
afterAll(async () => t?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const userCount = async () => Number((await t.runtime.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('accounts', () => {
  it('registers, logs in and tells who the caller is', async () => {
    const email = `Person.${randomBytes(4).toString('hex')}@Example.test`;
    const created = await post('/api/v1/auth/register', { email, password: 'a long enough password', name: 'Person', role: 'candidate' });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { email, role: 'candidate', org_id: null } });
    expect(created.headers.get('set-cookie')).toMatch(/vitae_refresh=.*HttpOnly/i);
    const login = await post('/api/v1/auth/login', { email: email.toLowerCase(), password: 'a long enough password' });
    expect(login.status).toBe(200);
    const me = await json(await t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${(await json(login)).access_token}` } }));
    expect(me.email).toBe(email);
  });

  it('refuses an email that differs only in case, weak passwords, and bad input, changing nothing', async () => {
    const before = await userCount();
    const upper = await post('/api/v1/auth/register', { email: admin.user.email.toUpperCase(), password: 'a long enough password', name: 'Dup', role: 'candidate' });
    expect(upper.status).toBe(409);
    expect((await json(upper)).code).toBe('email_taken');
    expect((await json(await post('/api/v1/auth/register', { email: 'short@example.test', password: 'short', name: 'S', role: 'candidate' }))).code).toBe('weak_password');
    expect((await json(await post('/api/v1/auth/register', { email: 'nope', password: 'a long enough password', name: 'S', role: 'candidate' }))).code).toBe('invalid_email');
    const malformed = await post('/api/v1/auth/register', '{"email": ');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).code).toBe('malformed_json');
    const huge = await post('/api/v1/auth/register', JSON.stringify({ email: 'x@example.test', password: 'p'.repeat(10 * 1024 * 1024), name: 'x', role: 'candidate' }));
    expect(huge.status).toBe(413);
    expect(await userCount()).toBe(before);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await post('/api/v1/auth/login', { email: 'nobody@example.test', password: 'whatever password' });
    const wrong = await post('/api/v1/auth/login', { email: admin.user.email, password: 'the wrong password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await json(unknown), await json(wrong)];
    expect(a.code).toBe('invalid_credentials');
    expect(b.code).toBe(a.code);
    expect(b.detail).toBe(a.detail);
  });
});

describe('tokens', () => {
  const secret = () => new TextEncoder().encode(t.env.JWT_SECRET);
  const me = (token: string) => t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });

  it('refuses alg:none, another secret, expired tokens and the wrong issuer or audience', async () => {
    const claims = { sub: admin.user.id };
    const none = new UnsecuredJWT(claims).setIssuer('vitae').setAudience('vitae-api').setExpirationTime('5m').encode();
    const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('vitae').setAudience('vitae-api').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(40)));
    const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('vitae').setAudience('vitae-api').setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret());
    const issuer = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('evil').setAudience('vitae-api').setExpirationTime('5m').sign(secret());
    const audience = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('vitae').setAudience('other').setExpirationTime('5m').sign(secret());
    const valid = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('vitae').setAudience('vitae-api').setExpirationTime('5m').sign(secret());
    for (const token of [none, otherKey, expired, issuer, audience]) {
      const response = await me(token);
      expect(response.status).toBe(401);
      expect((await json(response)).code).toBe('invalid_token');
    }
    expect((await me(valid)).status).toBe(200);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const login = await json(await post('/api/v1/auth/login', { email: candidate.user.email, password: 'correct horse battery staple' }));
    const first = login.refresh_token;
    const rotated = await post('/api/v1/auth/refresh', { refresh_token: first });
    expect(rotated.status).toBe(200);
    const second = (await json(rotated)).refresh_token;
    expect(second).not.toBe(first);
    const replay = await post('/api/v1/auth/refresh', { refresh_token: first });
    expect(replay.status).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refresh_token: second })).status).toBe(401);
    const logoutLogin = await json(await post('/api/v1/auth/login', { email: candidate.user.email, password: 'correct horse battery staple' }));
    expect((await post('/api/v1/auth/logout', { refresh_token: logoutLogin.refresh_token })).status).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refresh_token: logoutLogin.refresh_token })).status).toBe(401);
  });
});

describe('organizations and API keys', () => {
  it('lets an admin add members; another organization’s admin gets 404, a candidate 403', async () => {
    const orgId = admin.user.org_id!;
    const invited = `new-${randomBytes(4).toString('hex')}@example.test`;
    const add = await post(`/api/v1/orgs/${orgId}/members`, { email: invited }, admin.headers);
    expect(add.status).toBe(201);
    expect((await json(add)).status).toBe('invited');
    const joined = await post('/api/v1/auth/register', { email: invited, password: 'a long enough password', name: 'New', role: 'recruiter' });
    expect((await json(joined)).user).toMatchObject({ org_id: orgId, org_role: 'member' });
    const members = await json(await t.fetch(`/api/v1/orgs/${orgId}/members`, { headers: admin.headers }));
    expect(members.items.map((m: { email: string }) => m.email)).toContain(invited);
    expect((await t.fetch(`/api/v1/orgs/${orgId}/members`, { headers: otherAdmin.headers })).status).toBe(404);
    expect((await post(`/api/v1/orgs/${orgId}/members`, { email: 'x@example.test' }, otherAdmin.headers)).status).toBe(404);
    expect((await post('/api/v1/api-keys', { name: 'k', scopes: ['files:read'] }, candidate.headers)).status).toBe(403);
  });

  it('API keys are shown once, stored as hashes, limited by scope and organization, and revocable', async () => {
    const created = await post('/api/v1/api-keys', { name: 'scanner', scopes: ['files:read', 'audit:read'] }, admin.headers);
    expect(created.status).toBe(201);
    const { id, key, prefix } = await json(created);
    expect(key.startsWith(`vitae_${prefix}_`)).toBe(true);
    const stored = await t.runtime.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(key.split('_')[2]);
    const asKey = { 'x-api-key': key };
    expect((await t.fetch('/api/v1/files', { headers: asKey })).status).toBe(200);
    expect((await t.fetch('/api/v1/audit', { headers: asKey })).status).toBe(200);
    expect((await post('/api/v1/files/upload/initiate', { filename: 'a.txt', content_type: 'text/plain', size: 3, category: 'resume' }, asKey)).status).toBe(403);
    expect((await post('/api/v1/api-keys', { name: 'escalate', scopes: ['files:write'] }, asKey)).status).toBe(403);
    // Another organization's key sees nothing of this one.
    const foreign = await json(await post('/api/v1/api-keys', { name: 'b', scopes: ['files:read'] }, otherAdmin.headers));
    expect((await t.fetch(`/api/v1/orgs/${admin.user.org_id}/members`, { headers: { 'x-api-key': foreign.key } })).status).toBe(404);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: otherAdmin.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin.headers })).status).toBe(204);
    const revoked = await t.fetch('/api/v1/files', { headers: asKey });
    expect(revoked.status).toBe(401);
    expect((await json(revoked)).code).toBe('invalid_api_key');
  });
});

describe('abuse', () => {
  it('rate limits logins per account with 429 and Retry-After', async () => {
    const limited = await startTestApp({ antivirus: false, workers: false, env: { RATE_LIMIT_AUTH_PER_ACCOUNT: '3', RATE_LIMIT_AUTH_PER_IP: '1000' } });
    try {
      const attempt = () => limited.fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'target@example.test', password: 'guess number one' }) });
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const blocked = await attempt();
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await json(blocked)).code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('creates the first operator from the CLI', async () => {
    const email = `ops-${randomBytes(4).toString('hex')}@example.test`;
    const child = spawn(process.execPath, ['src/cli.ts', 'user', 'create', '--email', email, '--name', 'Ops', '--role', 'recruiter', '--org', 'Operators', '--admin', '--password-stdin'], {
      env: { ...process.env, ...t.env, LOG_LEVEL: 'silent' },
    });
    child.stdin.end('an operator password\n');
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const result = { stdout };
    expect(result.stdout).toContain(email);
    const login = await json(await post('/api/v1/auth/login', { email, password: 'an operator password' }));
    expect(login.user).toMatchObject({ role: 'recruiter', org_role: 'admin', org_name: 'Operators' });
  });
});
