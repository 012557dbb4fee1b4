import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/services/auth/passwords.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';

const PASSWORD = 'correct horse battery staple';
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
const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`;
const login = async (address: string, password = PASSWORD) => json(await post('/api/v1/auth/login', { email: address, password }));
const me = (token: string) => t.fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });

/** Everything an identity request could change, to show that a refused one changed nothing. */
async function identityState() {
  const db = t.runtime.db;
  const [users, organizations, memberships, invitations, keys, refresh] = await Promise.all([
    db.selectFrom('users').select(['id', 'email', 'password_hash', 'external_subject']).orderBy('id').execute(),
    db.selectFrom('organizations').select(['id', 'name']).orderBy('id').execute(),
    db.selectFrom('memberships').select(['user_id', 'org_id', 'org_role']).orderBy('user_id').execute(),
    db.selectFrom('invitations').select(['id', 'accepted_at']).orderBy('id').execute(),
    db.selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
    db.selectFrom('refresh_tokens').select(['id', 'used_at', 'revoked_at']).orderBy('id').execute(),
  ]);
  return { users, organizations, memberships, invitations, keys, refresh };
}

describe('accounts', () => {
  it('registers, logs in and tells who the caller is; the access token carries role and organization', async () => {
    const address = `Person.${randomBytes(4).toString('hex')}@Example.test`;
    const created = await post('/api/v1/auth/register', { email: address, password: 'a long enough password', name: ' Person ', role: 'candidate' });
    expect(created.status).toBe(201);
    const body = await json(created);
    // Kept as typed, except the domain, which is case-insensitive and stored in lower case.
    const stored = address.replace('@Example.test', '@example.test');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      user: { email: stored, name: 'Person', role: 'candidate', org_id: null, org_role: null },
    });
    const session = await login(address.toLowerCase(), 'a long enough password');
    expect(session.user.email).toBe(stored);
    expect(await json(await me(session.access_token))).toMatchObject({ id: body.user.id, email: stored, role: 'candidate', org_id: null });

    const claims = decodeJwt((await login(admin.user.email)).access_token);
    expect(claims).toMatchObject({
      sub: admin.user.id,
      role: 'recruiter',
      org: admin.user.org_id,
      org_role: 'admin',
      iss: 'vitae',
      aud: 'vitae-api',
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(typeof claims.jti).toBe('string');
  });

  it('makes a recruiter with org_name the admin of a new organization; without one, needs an invitation', async () => {
    const founder = await json(
      await post('/api/v1/auth/register', { email: email('founder'), password: PASSWORD, name: 'F', role: 'recruiter', org_name: 'Founded' }),
    );
    expect(founder.user).toMatchObject({ role: 'recruiter', org_role: 'admin', org_name: 'Founded' });
    const before = await identityState();
    const orphan = await post('/api/v1/auth/register', { email: email('orphan'), password: PASSWORD, name: 'O', role: 'recruiter' });
    expect(orphan.status).toBe(400);
    expect((await json(orphan)).code).toBe('org_required');
    const candidateWithOrg = await post('/api/v1/auth/register', { email: email('c'), password: PASSWORD, name: 'C', role: 'candidate', org_name: 'Nope' });
    expect((await json(candidateWithOrg)).code).toBe('org_not_allowed');
    expect(await identityState()).toEqual(before);
  });

  it('refuses an email that differs only in case, weak passwords, and bad input, changing nothing', async () => {
    const before = await identityState();
    const refusals: Array<[body: unknown, status: number, code: string]> = [
      [{ email: admin.user.email.toUpperCase(), password: PASSWORD, name: 'Dup', role: 'candidate' }, 409, 'email_taken'],
      [{ email: ` ${admin.user.email.replace(/^./, (c) => c.toUpperCase())} `, password: PASSWORD, name: 'Dup', role: 'candidate' }, 409, 'email_taken'],
      [{ email: email('short'), password: 'nine char', name: 'S', role: 'candidate' }, 400, 'weak_password'],
      [{ email: email('long'), password: 'p'.repeat(257), name: 'L', role: 'candidate' }, 400, 'weak_password'],
      [{ email: 'nope', password: PASSWORD, name: 'S', role: 'candidate' }, 400, 'invalid_email'],
      [{ email: email('blank'), password: PASSWORD, name: '   ', role: 'candidate' }, 400, 'invalid_name'],
      [{ email: email('role'), password: PASSWORD, name: 'R', role: 'admin' }, 400, 'validation_failed'],
      ['{"email": ', 400, 'malformed_json'],
      [JSON.stringify({ email: 'x@example.test', password: 'p'.repeat(10 * 1024 * 1024), name: 'x', role: 'candidate' }), 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await post('/api/v1/auth/register', body);
      expect([response.status, (await json(response)).code]).toEqual([status, code]);
    }
    const huge = await post('/api/v1/auth/login', JSON.stringify({ email: admin.user.email, password: 'p'.repeat(10 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(await identityState()).toEqual(before);
  });

  it('lets exactly one of several concurrent registrations of one email (in any case) win', async () => {
    const address = email('race');
    const responses = await Promise.all(
      [address, address.toUpperCase(), address, address.toUpperCase()].map((variant) =>
        post('/api/v1/auth/register', { email: variant, password: PASSWORD, name: 'Race', role: 'recruiter', org_name: 'Race Inc' }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const rows = await t.runtime.db.selectFrom('users').select('id').where('email', 'ilike', address).execute();
    expect(rows).toHaveLength(1);
    expect(await t.runtime.db.selectFrom('organizations').select('id').where('name', '=', 'Race Inc').execute()).toHaveLength(1);
  });

  it('gives the same answer, in about the same time, for an unknown email and a wrong password', async () => {
    const unknown = await post('/api/v1/auth/login', { email: 'nobody@example.test', password: 'whatever password' });
    const wrong = await post('/api/v1/auth/login', { email: admin.user.email, password: 'the wrong password' });
    const tooLong = await post('/api/v1/auth/login', { email: admin.user.email, password: PASSWORD + 'x'.repeat(300) });
    const [a, b, c] = [await json(unknown), await json(wrong), await json(tooLong)];
    expect([unknown.status, wrong.status, tooLong.status]).toEqual([401, 401, 401]);
    expect(a).toMatchObject({ code: 'invalid_credentials' });
    expect([b.code, b.detail, c.code]).toEqual([a.code, a.detail, a.code]);

    const timed = async (address: string) => {
      const started = performance.now();
      await post('/api/v1/auth/login', { email: address, password: 'the wrong password' });
      return performance.now() - started;
    };
    const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      unknownTimes.push(await timed(`nobody-${i}@example.test`));
      wrongTimes.push(await timed(admin.user.email));
    }
    // Both run one scrypt: an unknown email is not measurably faster.
    expect(median(unknownTimes)).toBeGreaterThan(median(wrongTimes) * 0.6);
  });

  it('upgrades a hash made with older scrypt parameters at the next login', async () => {
    const user = await register(t, { role: 'candidate' });
    await t.runtime.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(PASSWORD, { N: 2 ** 12, r: 8, p: 1 }) })
      .where('id', '=', user.user.id)
      .execute();
    expect((await post('/api/v1/auth/login', { email: user.user.email, password: PASSWORD })).status).toBe(200);
    const { password_hash } = await t.runtime.db.selectFrom('users').select('password_hash').where('id', '=', user.user.id).executeTakeFirstOrThrow();
    expect(password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect((await post('/api/v1/auth/login', { email: user.user.email, password: PASSWORD })).status).toBe(200);
  });
});

describe('tokens', () => {
  const secret = () => new TextEncoder().encode(t.env.JWT_SECRET);
  const claimsOf = (session: Session) => ({ role: 'recruiter', org: session.user.org_id, org_role: 'admin' });
  const signed = (claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt, key = secret()) =>
    edit(
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(admin.user.id).setIssuer('vitae').setAudience('vitae-api').setExpirationTime('5m'),
    ).sign(key);

  it('refuses alg:none, another secret, expired or edited tokens and the wrong issuer or audience, changing nothing', async () => {
    const claims = claimsOf(admin);
    const now = Math.floor(Date.now() / 1000);
    const candidateToken = candidate.token.split('.');
    const forged = {
      none: new UnsecuredJWT(claims).setSubject(admin.user.id).setIssuer('vitae').setAudience('vitae-api').setExpirationTime('5m').encode(),
      otherSecret: await signed(claims, undefined, new TextEncoder().encode('x'.repeat(40))),
      expired: await signed(claims, (jwt) => jwt.setIssuedAt(now - 3600).setExpirationTime(now - 60)),
      issuer: await signed(claims, (jwt) => jwt.setIssuer('evil')),
      audience: await signed(claims, (jwt) => jwt.setAudience('other')),
      // A candidate's token whose payload was rewritten to claim an admin role, signature kept.
      edited: `${candidateToken[0]}.${base64url.encode(JSON.stringify({ ...decodeJwt(candidate.token), ...claims }))}.${candidateToken[2]}`,
    };
    const before = await identityState();
    for (const [name, token] of Object.entries(forged)) {
      for (const response of [await me(token), await post('/api/v1/api-keys', { name, scopes: ['files:read'] }, { authorization: `Bearer ${token}` })]) {
        expect([name, response.status, (await json(response)).code]).toEqual([name, 401, 'invalid_token']);
      }
    }
    expect((await t.fetch('/api/v1/auth/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(401);
    expect(await identityState()).toEqual(before);
    // The same claims, properly signed (with the admin's live session), are accepted: the refusals above are about the forgery only.
    expect((await me(await signed({ ...claims, sid: decodeJwt(admin.token).sid }))).status).toBe(200);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const first = (await login(candidate.user.email)).refresh_token;
    const rotated = await post('/api/v1/auth/refresh', { refresh_token: first });
    expect(rotated.status).toBe(200);
    const session = await json(rotated);
    expect(session.refresh_token).not.toBe(first);
    expect(decodeJwt(session.access_token).sub).toBe(candidate.user.id);

    const replay = await post('/api/v1/auth/refresh', { refresh_token: first });
    expect([replay.status, (await json(replay)).code]).toEqual([401, 'invalid_refresh_token']);
    // The thief's replay also ended the legitimate holder's newest token.
    expect((await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })).status).toBe(401);
    const family = await t.runtime.db
      .selectFrom('refresh_tokens')
      .select(['family_id', 'revoked_at', 'token_hash'])
      .where('user_id', '=', candidate.user.id)
      .execute();
    const familyId = family.find((row) => row.revoked_at !== null)!.family_id;
    expect(family.filter((row) => row.family_id === familyId).every((row) => row.revoked_at !== null)).toBe(true);
    // Only hashes are stored.
    expect(family.some((row) => row.token_hash === first || row.token_hash === session.refresh_token)).toBe(false);

    const other = await login(candidate.user.email);
    expect((await post('/api/v1/auth/logout', { refresh_token: other.refresh_token })).status).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refresh_token: other.refresh_token })).status).toBe(401);
    expect((await post('/api/v1/auth/refresh', {})).status).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refresh_token: 'made-up' })).status).toBe(401);
  });

  it('keeps the refresh token in an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth, usable without the body', async () => {
    const response = await post('/api/v1/auth/login', { email: candidate.user.email, password: PASSWORD });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^vitae_refresh=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; set whenever the request or PUBLIC_URL is https
    const pair = cookie.split(';')[0]!;
    expect(pair.split('=')[1]).toBe((await json(response)).refresh_token);

    const refreshed = await t.fetch('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: pair } });
    expect(refreshed.status).toBe(200);
    const next = refreshed.headers.get('set-cookie')!.split(';')[0]!;
    expect(next).not.toBe(pair);
    const logout = await t.fetch('/api/v1/auth/logout', { method: 'POST', headers: { cookie: next } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/vitae_refresh=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expect((await t.fetch('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: next } })).status).toBe(401);
  });
});

describe('organizations and API keys', () => {
  it('lets an admin add members and list them page by page; others get 404, members and candidates 403', async () => {
    const orgId = admin.user.org_id!;
    const invited = email('new');
    const add = await post(`/api/v1/orgs/${orgId}/members`, { email: invited }, admin.headers);
    expect(add.status).toBe(201);
    const invitation = await json(add);
    expect(invitation).toMatchObject({ status: 'invited', email: invited, org_role: 'member' });
    const joined = await json(
      await post('/api/v1/auth/register', {
        email: invited.toUpperCase(),
        password: PASSWORD,
        name: 'New',
        role: 'recruiter',
        invitation_token: invitation.invitation_token,
      }),
    );
    expect(joined.user).toMatchObject({ org_id: orgId, org_role: 'member' });

    const first = await json(await t.fetch(`/api/v1/orgs/${orgId}/members?limit=1`, { headers: admin.headers }));
    // Stored as typed, but with the domain in lower case.
    expect(first.items.map((m: { email: string }) => m.email)).toEqual([invited.toUpperCase().replace(/@.*/, '@example.test')]);
    const second = await json(await t.fetch(`/api/v1/orgs/${orgId}/members?limit=1&cursor=${first.next_cursor}`, { headers: admin.headers }));
    expect(second.items.map((m: { id: string }) => m.id)).toEqual([admin.user.id]);
    expect(second.next_cursor).toBeNull();

    const before = await identityState();
    const member = { authorization: `Bearer ${joined.access_token}` };
    expect((await t.fetch(`/api/v1/orgs/${orgId}/members`, { headers: otherAdmin.headers })).status).toBe(404);
    expect((await post(`/api/v1/orgs/${orgId}/members`, { email: 'x@example.test' }, otherAdmin.headers)).status).toBe(404);
    expect((await t.fetch(`/api/v1/orgs/${orgId}/members`, { headers: member })).status).toBe(403);
    expect((await post(`/api/v1/orgs/${orgId}/members`, { email: 'y@example.test' }, member)).status).toBe(403);
    expect((await post(`/api/v1/orgs/${orgId}/members`, { email: otherAdmin.user.email }, admin.headers)).status).toBe(409);
    expect((await json(await post(`/api/v1/orgs/${orgId}/members`, { email: candidate.user.email }, admin.headers))).code).toBe('not_a_recruiter');
    expect((await post('/api/v1/api-keys', { name: 'k', scopes: ['files:read'] }, candidate.headers)).status).toBe(403);
    expect((await post('/api/v1/api-keys', { name: 'k', scopes: ['files:read'] }, member)).status).toBe(403);
    expect((await t.fetch('/api/v1/api-keys', { headers: candidate.headers })).status).toBe(403);
    expect(await identityState()).toEqual(before);
  });

  it('API keys are shown once, stored as hashes, limited by scope and organization, and revocable', async () => {
    const created = await post('/api/v1/api-keys', { name: 'scanner', scopes: ['files:read', 'audit:read'] }, admin.headers);
    expect(created.status).toBe(201);
    const { id, key, prefix } = await json(created);
    expect(key).toMatch(new RegExp(`^vitae_${prefix}_[\\w-]{43}$`));
    const stored = await t.runtime.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.slice(`vitae_${prefix}_`.length));
    expect(stored.last_used_at).toBeNull();

    const asKey = { 'x-api-key': key };
    expect((await t.fetch('/api/v1/files', { headers: asKey })).status).toBe(200);
    expect((await t.fetch('/api/v1/audit', { headers: asKey })).status).toBe(200);
    const before = await identityState();
    expect((await post('/api/v1/files/upload/initiate', { filename: 'a.txt', content_type: 'text/plain', size: 3, category: 'resume' }, asKey)).status).toBe(
      403,
    );
    expect((await post('/api/v1/api-keys', { name: 'escalate', scopes: ['files:write'] }, asKey)).status).toBe(403);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: asKey })).status).toBe(403);
    expect((await t.fetch('/api/v1/auth/me', { headers: asKey })).status).toBe(403);
    // Another organization's key sees nothing of this one.
    const foreign = await json(await post('/api/v1/api-keys', { name: 'b', scopes: ['files:read', 'audit:read'] }, otherAdmin.headers));
    const asForeign = { 'x-api-key': foreign.key };
    const afterForeignKey = await identityState();
    expect((await t.fetch(`/api/v1/orgs/${admin.user.org_id}/members`, { headers: asForeign })).status).toBe(404);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: asForeign })).status).toBe(404);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: otherAdmin.headers })).status).toBe(404);
    expect(
      (await json(await t.fetch('/api/v1/audit', { headers: asForeign }))).items.every((entry: { org_id: string }) => entry.org_id === otherAdmin.user.org_id),
    ).toBe(true);
    expect(await identityState()).toEqual(afterForeignKey);
    expect(afterForeignKey.keys).toHaveLength(before.keys.length + 1);

    // Listed without secrets; the last use is recorded, at most once a minute.
    const listed = await json(await t.fetch('/api/v1/api-keys', { headers: admin.headers }));
    const entry = listed.items.find((item: { id: string }) => item.id === id);
    expect(entry).toMatchObject({ id, name: 'scanner', prefix, scopes: ['files:read', 'audit:read'], revoked_at: null });
    expect(entry).not.toHaveProperty('key');
    expect(JSON.stringify(listed)).not.toContain(key);
    const firstUse = entry.last_used_at;
    expect(firstUse).not.toBeNull();
    await t.fetch('/api/v1/files', { headers: asKey });
    const again = await t.runtime.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(again.last_used_at!.toISOString()).toBe(firstUse);

    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin.headers })).status).toBe(204);
    expect((await t.fetch(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin.headers })).status).toBe(204);
    const afterRevoke = await identityState();
    const revoked = await t.fetch('/api/v1/files', { headers: asKey });
    expect([revoked.status, (await json(revoked)).code]).toEqual([401, 'invalid_api_key']);
    expect((await post('/api/v1/api-keys', { name: 'zombie', scopes: ['files:read'] }, asKey)).status).toBe(401);
    expect((await t.fetch('/api/v1/files', { headers: { 'x-api-key': 'vitae_made_up' } })).status).toBe(401);
    expect(await identityState()).toEqual(afterRevoke);
  });

  it('documents the identity routes in the OpenAPI spec', async () => {
    const spec = await json(await t.fetch('/openapi.json'));
    for (const [path, method] of [
      ['/api/v1/auth/register', 'post'],
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/refresh', 'post'],
      ['/api/v1/auth/me', 'get'],
      ['/api/v1/orgs/{org_id}/members', 'post'],
      ['/api/v1/orgs/{org_id}/members', 'get'],
      ['/api/v1/orgs/{org_id}/invitations', 'get'],
      ['/api/v1/orgs/{org_id}/invitations/{invitation_id}', 'delete'],
      ['/api/v1/api-keys', 'post'],
      ['/api/v1/api-keys/{id}', 'delete'],
    ] as const) {
      const operation = spec.paths[path]?.[method];
      expect(operation?.tags, `${method} ${path}`).toContain('identity');
      expect(operation.summary).toBeTruthy();
    }
    expect(spec.paths['/api/v1/auth/login'].post.security).toEqual([]);
    const invited = spec.paths['/api/v1/orgs/{org_id}/members'].post.responses['201'].content['application/json'].schema.properties;
    expect(Object.keys(invited)).toEqual(expect.arrayContaining(['invitation', 'invitation_token', 'invitation_url']));
    expect(Object.keys(spec.paths['/api/v1/auth/register'].post.requestBody.content['application/json'].schema.properties)).toContain('invitation_token');
  });

  it('refuses unknown scopes', async () => {
    const response = await post('/api/v1/api-keys', { name: 'k', scopes: ['root'] }, admin.headers);
    expect(response.status).toBe(400);
  });
});

describe('invitations', () => {
  const invite = async (address: string, orgRole: 'admin' | 'member' = 'member', as: Session = admin) => {
    const response = await post(`/api/v1/orgs/${as.user.org_id}/members`, { email: address, org_role: orgRole }, as.headers);
    expect(response.status, await response.clone().text()).toBe(201);
    return json(response);
  };
  const registerRecruiter = (address: string, extra: Record<string, unknown> = {}) =>
    post('/api/v1/auth/register', { email: address, password: PASSWORD, name: 'Invitee', role: 'recruiter', ...extra });
  const membersOf = (orgId: string) =>
    t.runtime.db.selectFrom('memberships').select(['user_id', 'org_role']).where('org_id', '=', orgId).orderBy('user_id').execute();
  const invitationsOf = (as: Session, query = '') => t.fetch(`/api/v1/orgs/${as.user.org_id}/invitations${query}`, { headers: as.headers });

  it('gives a stranger who registers with the invited address, in any letter case, no membership', async () => {
    const address = `Invited.Admin-${randomBytes(4).toString('hex')}@Example.test`;
    const issued = await invite(address, 'admin');
    const membersBefore = await membersOf(admin.user.org_id!);
    const before = await identityState();

    // The attack: the address is known (or guessed); the token is not.
    const stranger = await registerRecruiter(address.toUpperCase());
    expect([stranger.status, (await json(stranger)).code]).toEqual([400, 'org_required']);
    expect(await identityState()).toEqual(before);
    const asCandidate = await post('/api/v1/auth/register', { email: address.toLowerCase(), password: PASSWORD, name: 'Stranger', role: 'candidate' });
    expect(asCandidate.status).toBe(201);
    expect((await json(asCandidate)).user).toMatchObject({ role: 'candidate', org_id: null, org_role: null });
    expect(await membersOf(admin.user.org_id!)).toEqual(membersBefore);
    // A made-up token, or one belonging to another address, joins nothing either.
    const guessed = await registerRecruiter(email('guess'), { invitation_token: `vitae_inv_${randomBytes(32).toString('base64url')}` });
    expect([guessed.status, (await json(guessed)).code]).toEqual([400, 'invalid_invitation']);
    const borrowed = await registerRecruiter(email('borrower'), { invitation_token: issued.invitation_token });
    expect([borrowed.status, (await json(borrowed)).code]).toEqual([400, 'invalid_invitation']);
    expect(await membersOf(admin.user.org_id!)).toEqual(membersBefore);
    const listed = await json(await invitationsOf(admin, '?status=pending'));
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(issued.invitation.id);
  });

  it('is a single-use token, stored only as a hash, that joins with the invited role and lasts INVITATION_TTL_SECONDS', async () => {
    const address = email('invitee');
    const issued = await invite(address, 'admin');
    expect(issued.invitation_token).toMatch(/^vitae_inv_[\w-]{43}$/);
    expect(issued.invitation_url).toBe(`${t.url}/register#invitation=${issued.invitation_token}`);
    expect(issued.invitation).toMatchObject({ email: address, org_role: 'admin', status: 'pending', org_id: admin.user.org_id, invited_by: admin.user.id });
    expect(Date.parse(issued.invitation.expires_at) - Date.parse(issued.invitation.created_at)).toBe(7 * 24 * 3600 * 1000);
    const stored = await t.runtime.db.selectFrom('invitations').selectAll().where('id', '=', issued.invitation.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(issued.invitation_token.slice('vitae_inv_'.length));
    const listed = await json(await invitationsOf(admin));
    expect(JSON.stringify(listed)).not.toContain(issued.invitation_token);

    const joined = await registerRecruiter(address.toUpperCase(), { invitation_token: issued.invitation_token });
    expect(joined.status).toBe(201);
    const session = await json(joined);
    expect(session.user).toMatchObject({ org_id: admin.user.org_id, org_role: 'admin' });
    const accepted = (await json(await invitationsOf(admin, '?status=accepted'))).items.find((item: { id: string }) => item.id === issued.invitation.id);
    expect(accepted).toMatchObject({ status: 'accepted', accepted_at: expect.any(String) });

    // Even once the address is free again, the used token joins nothing.
    await t.runtime.db.deleteFrom('users').where('id', '=', session.user.id).execute();
    const before = await identityState();
    const replay = await registerRecruiter(address, { invitation_token: issued.invitation_token });
    expect([replay.status, (await json(replay)).code]).toEqual([400, 'invalid_invitation']);
    expect(await identityState()).toEqual(before);
  });

  it('refuses an expired token', async () => {
    const address = email('late');
    const issued = await invite(address);
    await t.runtime.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', issued.invitation.id)
      .execute();
    const before = await identityState();
    const late = await registerRecruiter(address, { invitation_token: issued.invitation_token });
    expect([late.status, (await json(late)).code]).toEqual([400, 'invitation_expired']);
    expect(await identityState()).toEqual(before);
    const expired = (await json(await invitationsOf(admin, '?status=expired'))).items.map((item: { id: string }) => item.id);
    expect(expired).toContain(issued.invitation.id);
  });

  it('can be cancelled by an admin of its organization, and inviting again replaces the open invitation', async () => {
    const address = email('cancelled');
    const first = await invite(address);
    const second = await invite(address.toUpperCase());
    const statuses = Object.fromEntries((await json(await invitationsOf(admin))).items.map((item: { id: string; status: string }) => [item.id, item.status]));
    expect([statuses[first.invitation.id], statuses[second.invitation.id]]).toEqual(['cancelled', 'pending']);
    const replaced = await registerRecruiter(address, { invitation_token: first.invitation_token });
    expect((await json(replaced)).code).toBe('invalid_invitation');

    const cancel = () => t.fetch(`/api/v1/orgs/${admin.user.org_id}/invitations/${second.invitation.id}`, { method: 'DELETE', headers: admin.headers });
    expect((await cancel()).status).toBe(204);
    expect((await cancel()).status).toBe(204);
    const before = await identityState();
    const refused = await registerRecruiter(address, { invitation_token: second.invitation_token });
    expect([refused.status, (await json(refused)).code]).toEqual([400, 'invalid_invitation']);
    expect(await identityState()).toEqual(before);

    const used = await invite(email('used'));
    await registerRecruiter(used.invitation.email, { invitation_token: used.invitation_token });
    const late = await t.fetch(`/api/v1/orgs/${admin.user.org_id}/invitations/${used.invitation.id}`, { method: 'DELETE', headers: admin.headers });
    expect([late.status, (await json(late)).code]).toEqual([409, 'invitation_accepted']);
  });

  it('belongs to its organization: other organizations see 404, members 403, and the token joins its own organization only', async () => {
    const address = email('mine');
    const issued = await invite(address);
    const memberInvite = await invite(email('member'));
    const memberSession = await json(await registerRecruiter(memberInvite.invitation.email, { invitation_token: memberInvite.invitation_token }));
    const asMember = { authorization: `Bearer ${memberSession.access_token}` };
    const before = await identityState();
    const path = `/api/v1/orgs/${admin.user.org_id}/invitations`;
    expect((await t.fetch(path, { headers: otherAdmin.headers })).status).toBe(404);
    expect((await t.fetch(`${path}/${issued.invitation.id}`, { method: 'DELETE', headers: otherAdmin.headers })).status).toBe(404);
    // Another organization's admin, through their own organization's path, finds nothing either.
    expect(
      (await t.fetch(`/api/v1/orgs/${otherAdmin.user.org_id}/invitations/${issued.invitation.id}`, { method: 'DELETE', headers: otherAdmin.headers })).status,
    ).toBe(404);
    expect((await json(await invitationsOf(otherAdmin))).items.map((item: { id: string }) => item.id)).not.toContain(issued.invitation.id);
    expect((await t.fetch(path, { headers: asMember })).status).toBe(403);
    expect((await t.fetch(`${path}/${issued.invitation.id}`, { method: 'DELETE', headers: asMember })).status).toBe(403);
    expect((await t.fetch(path, { headers: candidate.headers })).status).toBe(404);
    expect(await identityState()).toEqual(before);

    const joined = await json(await registerRecruiter(address, { invitation_token: issued.invitation_token }));
    expect(joined.user).toMatchObject({ org_id: admin.user.org_id, org_role: 'member' });
    expect(joined.user.org_id).not.toBe(otherAdmin.user.org_id);
  });

  it('takes an organization name or a token, not both, and never from a candidate', async () => {
    const issued = await invite(email('both'));
    const before = await identityState();
    const both = await registerRecruiter(issued.invitation.email, { invitation_token: issued.invitation_token, org_name: 'Mine' });
    expect([both.status, (await json(both)).code]).toEqual([400, 'org_conflict']);
    const asCandidate = await post('/api/v1/auth/register', {
      email: issued.invitation.email,
      password: PASSWORD,
      name: 'C',
      role: 'candidate',
      invitation_token: issued.invitation_token,
    });
    expect([asCandidate.status, (await json(asCandidate)).code]).toEqual([400, 'org_not_allowed']);
    expect(await identityState()).toEqual(before);
  });
});

describe('sessions', () => {
  it('refuses the access token of a login at once after logout (401 token_revoked)', async () => {
    const session = await login(candidate.user.email);
    expect((await me(session.access_token)).status).toBe(200);
    expect((await post('/api/v1/auth/logout', { refresh_token: session.refresh_token })).status).toBe(204);
    const after = await me(session.access_token);
    expect([after.status, (await json(after)).code]).toEqual([401, 'token_revoked']);
    // Other logins of the same user go on.
    expect((await me(candidate.token)).status).toBe(200);
  });

  it('refuses the access tokens of a login whose refresh token was reused', async () => {
    const session = await login(candidate.user.email);
    const rotated = await json(await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token }));
    expect(decodeJwt(rotated.access_token).sid).toBe(decodeJwt(session.access_token).sid);
    expect((await me(rotated.access_token)).status).toBe(200);
    expect((await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })).status).toBe(401);
    for (const token of [session.access_token, rotated.access_token]) {
      const response = await me(token);
      expect([response.status, (await json(response)).code]).toEqual([401, 'token_revoked']);
    }
  });

  it('with AUTH_SESSION_CACHE_MS=0, sees a revocation made elsewhere on the next request', async () => {
    const uncached = await startTestApp({ antivirus: false, workers: false, env: { AUTH_SESSION_CACHE_MS: '0' } });
    try {
      const created = await json(
        await uncached.fetch('/api/v1/auth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: email('c'), password: PASSWORD, name: 'C', role: 'candidate' }),
        }),
      );
      const headers = { authorization: `Bearer ${created.access_token}` };
      expect((await uncached.fetch('/api/v1/auth/me', { headers })).status).toBe(200);
      // What another API process does at logout: the session row is revoked, this process's memory untouched.
      await uncached.runtime.db
        .updateTable('auth_sessions')
        .set({ revoked_at: new Date() })
        .where('id', '=', String(decodeJwt(created.access_token).sid))
        .execute();
      const response = await uncached.fetch('/api/v1/auth/me', { headers });
      expect([response.status, (await json(response)).code]).toEqual([401, 'token_revoked']);
    } finally {
      await uncached.close();
    }
  });
});

describe('abuse', () => {
  const attempt = (app: TestApp, path: string, body: unknown) =>
    app.fetch(`/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('rate limits logins per account with 429 and Retry-After', async () => {
    const limited = await startTestApp({ antivirus: false, workers: false, env: { RATE_LIMIT_AUTH_PER_ACCOUNT: '3', RATE_LIMIT_AUTH_PER_IP: '1000' } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1)
        statuses.push((await attempt(limited, '/auth/login', { email: 'target@example.test', password: 'guess number one' })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // The same account in another letter case is the same account.
      const blocked = await attempt(limited, '/auth/login', { email: 'TARGET@example.test', password: 'guess number two' });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await json(blocked)).toMatchObject({ status: 429, code: 'rate_limited' });
      // Other accounts are not affected.
      expect((await attempt(limited, '/auth/login', { email: 'someone-else@example.test', password: 'guess number one' })).status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('rate limits login, register and refresh together per IP', async () => {
    const limited = await startTestApp({ antivirus: false, workers: false, env: { RATE_LIMIT_AUTH_PER_ACCOUNT: '1000', RATE_LIMIT_AUTH_PER_IP: '4' } });
    try {
      const statuses = [
        (await attempt(limited, '/auth/register', { email: email('ip'), password: PASSWORD, name: 'A', role: 'candidate' })).status,
        (await attempt(limited, '/auth/login', { email: email('ip'), password: PASSWORD })).status,
        (await attempt(limited, '/auth/refresh', { refresh_token: 'made-up' })).status,
        (await attempt(limited, '/auth/login', { email: email('ip'), password: PASSWORD })).status,
        (await attempt(limited, '/auth/register', { email: email('ip'), password: PASSWORD, name: 'B', role: 'candidate' })).status,
        (await attempt(limited, '/auth/refresh', { refresh_token: 'made-up' })).status,
      ];
      expect(statuses).toEqual([201, 401, 401, 401, 429, 429]);
      const users = await limited.runtime.db.selectFrom('users').select('id').execute();
      expect(users).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});

describe('behind a reverse proxy', () => {
  it('with TRUST_PROXY, limits each forwarded client separately and marks the cookie Secure for https', async () => {
    const proxied = await startTestApp({
      antivirus: false,
      workers: false,
      env: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_AUTH_PER_ACCOUNT: '1000', RATE_LIMIT_AUTH_PER_IP: '2' },
    });
    try {
      const attempt = (client: string) =>
        proxied.fetch('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': client, 'x-forwarded-proto': 'https' },
          body: JSON.stringify({ email: 'someone@example.test', password: PASSWORD }),
        });
      expect([(await attempt('203.0.113.1')).status, (await attempt('203.0.113.1')).status, (await attempt('203.0.113.1')).status]).toEqual([401, 401, 429]);
      expect((await attempt('203.0.113.2')).status).toBe(401);
      const user = await proxied.fetch('/api/v1/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.3', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ email: email('proxied'), password: PASSWORD, name: 'P', role: 'candidate' }),
      });
      expect(user.headers.get('set-cookie')).toMatch(/; Secure/i);
    } finally {
      await proxied.close();
    }
  });
});

describe('vitae user create', () => {
  const run = async (args: string[], stdin?: string) => {
    const child = spawn(process.execPath, ['src/cli.ts', 'user', 'create', ...args], { env: { ...process.env, ...t.env, LOG_LEVEL: 'silent' } });
    child.stdin.end(stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr };
  };

  it('creates the first operator with a password from stdin', async () => {
    const address = email('ops');
    const result = await run(
      ['--email', address, '--name', 'Ops', '--role', 'recruiter', '--org', 'Operators', '--admin', '--password-stdin'],
      'an operator password\n',
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(address);
    expect(result.stdout).not.toContain('an operator password');
    expect((await login(address, 'an operator password')).user).toMatchObject({ role: 'recruiter', org_role: 'admin', org_name: 'Operators' });
  });

  it('generates and prints a password once when none is given', async () => {
    const address = email('gen');
    const result = await run(['--email', address, '--name', 'Gen', '--role', 'candidate']);
    expect(result.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(result.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect((await login(address, password)).user).toMatchObject({ role: 'candidate', org_id: null });
  });

  it('refuses a taken email, a weak password and a recruiter without an organization, creating nothing', async () => {
    const before = await identityState();
    const taken = await run(['--email', admin.user.email.toUpperCase(), '--name', 'X', '--role', 'candidate']);
    expect([taken.code, taken.stderr]).toEqual([1, expect.stringContaining('email_taken')]);
    const weak = await run(['--email', email('weak'), '--role', 'candidate', '--password-stdin'], 'short\n');
    expect([weak.code, weak.stderr]).toEqual([1, expect.stringContaining('weak_password')]);
    expect((await run(['--email', email('no-org'), '--role', 'recruiter'])).code).toBe(2);
    expect(await identityState()).toEqual(before);
  });
});
