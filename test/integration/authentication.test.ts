import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';

const PASSWORD = 'correct horse battery staple';
const AUDIT_PER_ADDRESS = 5;
let t: TestApp;
let admin: Session;
let member: Session;
let candidate: Session;

// Behind a trusted proxy, so that each test speaks from addresses of its own (X-Forwarded-For):
// the login limits and the denied-attempt budget are per address.
beforeAll(async () => {
  t = await startTestApp({
    antivirus: false,
    workers: false,
    env: { TRUST_PROXY: 'true', RATE_LIMIT_AUTH_PER_ACCOUNT: '10', RATE_LIMIT_AUTH_PER_IP: '20', AUDIT_DENIED_PER_ADDRESS: String(AUDIT_PER_ADDRESS) },
  });
  admin = await register(t, { role: 'recruiter', orgName: 'Guarded Ltd' });
  const memberEmail = email('member');
  const invited = await post('/api/v1/orgs/' + admin.user.org_id + '/members', { email: memberEmail }, admin.headers);
  expect(invited.status).toBe(201);
  member = await register(t, { role: 'recruiter', email: memberEmail, invitationToken: (await json(invited)).invitation_token });
  candidate = await register(t, { role: 'candidate' });
});
afterAll(async () => t?.close());

let lastOctet = 0;
/** A fresh client address (TEST-NET-3), as the trusted proxy would report it. */
const address = () => `203.0.113.${++lastOctet}`;
const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const login = (from: string, user: string, password: string) => post('/api/v1/auth/login', { email: user, password }, { 'x-forwarded-for': from });
const entriesFrom = (ip: string) => t.runtime.db.selectFrom('audit_events').selectAll().where('ip', '=', ip).orderBy('at').orderBy('id').execute();
const adminAudit = async (query: string) =>
  (await json(await t.fetch(`/api/v1/audit?${query}`, { headers: admin.headers }))).items as Array<Record<string, any>>;

describe('the audit of authentication', () => {
  it('records logins that succeed and fail, in the account’s trail, without the password or the email typed', async () => {
    const from = address();
    expect((await login(from, admin.user.email, 'not the right password')).status).toBe(401);
    const unknown = email('nobody');
    expect((await login(from, unknown, 'not the right password')).status).toBe(401);
    expect((await login(from, admin.user.email, PASSWORD)).status).toBe(200);

    // The organization's admins see the attempts on their accounts.
    const failed = (await adminAudit('action=user.login_failed')).filter((entry) => entry.ip === from);
    expect(failed).toEqual([
      expect.objectContaining({ outcome: 'denied', actor_type: 'anonymous', actor_id: null, org_id: admin.user.org_id, details: { reason: 'wrong_password' } }),
    ]);
    const succeeded = (await adminAudit('action=user.logged_in')).filter((entry) => entry.ip === from);
    expect(succeeded).toEqual([expect.objectContaining({ outcome: 'allowed', actor_type: 'user', actor_id: admin.user.id, org_id: admin.user.org_id })]);

    const rows = await entriesFrom(from);
    expect(rows.map((row) => row.action)).toEqual(['user.login_failed', 'user.login_failed', 'user.logged_in']);
    expect(rows[0]).toMatchObject({ resource_type: 'user', resource_id: admin.user.id });
    // An email that names no account: the system chain, which belongs to no organization.
    expect(rows[1]).toMatchObject({ org_id: null, actor_id: null, resource_id: null, details: { reason: 'unknown_account' } });
    expect(rows[1]!.chain).toMatch(/^system\/\d$/);
    const stored = JSON.stringify(rows);
    for (const secret of ['not the right password', PASSWORD, unknown, admin.user.email]) expect(stored).not.toContain(secret);
  });

  it('records every 401 with the kind of credential presented, never the credential, in the system chain', async () => {
    const from = address();
    const secrets = {
      bearer: `not-a-jwt-${randomBytes(6).toString('hex')}`,
      apiKey: `vitae_abcdef12_${randomBytes(12).toString('hex')}`,
      cookie: `cookie-${randomBytes(8).toString('hex')}`,
      body: `body-${randomBytes(8).toString('hex')}`,
    };
    const headers = { 'x-forwarded-for': from };
    const statuses = [
      (await t.fetch('/api/v1/files', { headers: { ...headers, authorization: `Bearer ${secrets.bearer}` } })).status,
      (await t.fetch('/api/v1/files', { headers: { ...headers, 'x-api-key': secrets.apiKey } })).status,
      (await t.fetch('/api/v1/auth/refresh', { method: 'POST', headers: { ...headers, cookie: `vitae_refresh=${secrets.cookie}` } })).status,
      (await post('/api/v1/auth/refresh', { refresh_token: secrets.body }, headers)).status,
      (await t.fetch('/api/v1/files', { headers })).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    const rows = await entriesFrom(from);
    expect(rows.map((row) => [row.action, row.outcome, row.details])).toEqual([
      ['request.unauthenticated', 'denied', { code: 'invalid_token', credential: 'bearer', method: 'GET', route: '/api/v1/files' }],
      ['request.unauthenticated', 'denied', { code: 'invalid_api_key', credential: 'api_key', method: 'GET', route: '/api/v1/files' }],
      ['request.unauthenticated', 'denied', { code: 'invalid_refresh_token', credential: 'cookie', method: 'POST', route: '/api/v1/auth/refresh' }],
      ['request.unauthenticated', 'denied', { code: 'invalid_refresh_token', credential: 'refresh_token', method: 'POST', route: '/api/v1/auth/refresh' }],
      ['request.unauthenticated', 'denied', { code: 'unauthorized', credential: 'none', method: 'GET', route: '/api/v1/files' }],
    ]);
    for (const row of rows) expect(row).toMatchObject({ org_id: null, actor_id: null, actor_type: 'anonymous', chain: expect.stringMatching(/^system\/\d$/) });
    const stored = JSON.stringify(rows);
    for (const secret of Object.values(secrets)) expect(stored).not.toContain(secret);
  });

  it('records the 403s of a member and of a read-only API key in the organization’s trail, and a candidate’s outside any organization', async () => {
    const from = address();
    const headers = { 'x-forwarded-for': from };
    expect((await t.fetch('/api/v1/audit', { headers: { ...member.headers, ...headers } })).status).toBe(403);
    expect((await t.fetch('/api/v1/api-keys', { headers: { ...member.headers, ...headers } })).status).toBe(403);
    const key = await json(await post('/api/v1/api-keys', { name: 'read only', scopes: ['files:read'] }, admin.headers));
    const form = new FormData();
    form.append('category', 'resume');
    form.append('file', new Blob([Buffer.from('A resume\n')], { type: 'text/plain' }), 'r.txt');
    expect((await t.fetch('/api/v1/files', { method: 'POST', headers: { 'x-api-key': key.key, ...headers }, body: form })).status).toBe(403);
    expect((await t.fetch('/api/v1/audit', { headers: { ...candidate.headers, ...headers } })).status).toBe(403);

    const forbidden = (await adminAudit('action=request.forbidden')).filter((entry) => entry.ip === from);
    expect(forbidden.map((entry) => [entry.actor_type, entry.actor_id, entry.details.route, entry.details.credential]).reverse()).toEqual([
      ['user', member.user.id, '/api/v1/audit', 'bearer'],
      ['user', member.user.id, '/api/v1/api-keys', 'bearer'],
      ['api_key', key.id, '/api/v1/files', 'api_key'],
    ]);
    expect(JSON.stringify(await entriesFrom(from))).not.toContain(key.key);
    const candidates = (await entriesFrom(from)).filter((row) => row.actor_id === candidate.user.id);
    expect(candidates).toEqual([expect.objectContaining({ action: 'request.forbidden', outcome: 'denied', org_id: null })]);
  });

  it('writes a bounded number of entries for a flood of bad tokens from one address, and counts the rest', async () => {
    const flooder = address();
    const statuses = [];
    for (let i = 0; i < AUDIT_PER_ADDRESS + 7; i += 1) {
      statuses.push((await t.fetch('/api/v1/files', { headers: { 'x-forwarded-for': flooder, authorization: `Bearer junk-${i}` } })).status);
    }
    expect(statuses).toEqual(Array(AUDIT_PER_ADDRESS + 7).fill(401));
    expect(await entriesFrom(flooder)).toHaveLength(AUDIT_PER_ADDRESS);
    const metrics = await (await t.fetch('/metrics')).text();
    expect(Number(/^vitae_audit_denied_unrecorded_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(7);
    // Another address keeps its own budget.
    const bystander = address();
    expect((await t.fetch('/api/v1/files', { headers: { 'x-forwarded-for': bystander, authorization: 'Bearer junk' } })).status).toBe(401);
    expect(await entriesFrom(bystander)).toHaveLength(1);
  });

  it('verifies the chains without an organization, and `vitae audit verify` names an edited entry in them', async () => {
    const reports = await t.services.audit.verify();
    const system = reports.filter((report) => report.chain.startsWith('system/'));
    expect(system.length).toBeGreaterThan(0);
    expect(reports.filter((report) => !report.ok)).toEqual([]);

    const verify = () => runCli(t, ['audit', 'verify']);
    const intact = await verify();
    expect(intact.code, intact.out).toBe(0);
    expect(intact.out).toMatch(/^OK {6}system\/\d/m);

    const victim = await t.runtime.db
      .selectFrom('audit_events')
      .select(['id', 'ip'])
      .where('chain', 'like', 'system/%')
      .orderBy('at')
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`UPDATE audit_events SET details = '{"credential":"none"}' WHERE id = ${victim.id}`.execute(t.runtime.db);
    const edited = await verify();
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(new RegExp(`BROKEN  system/\\d .*${victim.id}`));
  });
});

describe('login lockout', () => {
  it('locks out the address that failed, not the account: the owner logs in from elsewhere', async () => {
    const owner = await register(t, { role: 'candidate' });
    const [attacker, home] = [address(), address()];
    const failures = [];
    for (let i = 0; i < 10; i += 1) failures.push((await login(attacker, owner.user.email, `wrong guess ${i}`)).status);
    expect(failures).toEqual(Array(10).fill(401));
    const locked = await login(attacker, owner.user.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same account in another letter case is still the same account for that address.
    expect((await login(attacker, owner.user.email.toUpperCase(), PASSWORD)).status).toBe(429);

    expect((await login(home, owner.user.email, PASSWORD)).status).toBe(200);
  });

  it('still limits one address over many accounts, more loosely', async () => {
    const from = address();
    const statuses = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await login(from, email(`spray${i}`), 'a guessed password')).status);
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
    expect((await login(address(), email('spray'), 'a guessed password')).status).toBe(401);
  });
});

describe('request ids', () => {
  it('keeps a client’s X-Request-Id behind the trusted proxy only when it is a safe id', async () => {
    const traced = await t.fetch('/api/v1/files', { headers: { 'x-request-id': 'trace-123:abc' } });
    expect(traced.headers.get('x-request-id')).toBe('trace-123:abc');
    for (const unsafe of ['trace 123', 'x'.repeat(129), 'id<script>', 'a/b']) {
      const response = await t.fetch('/api/v1/files', { headers: { 'x-request-id': unsafe } });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await json(response)).request_id).toBe(id);
    }
  });
});

describe('registration rules', () => {
  // Each from an address of its own: registrations count against the login limits.
  const registerWith = (body: { email: string; password: string }) =>
    post('/api/v1/auth/register', { name: 'Someone', role: 'candidate', ...body }, { 'x-forwarded-for': address() });

  it('refuses common, repetitive and email-derived passwords with 400 weak_password', async () => {
    const jane = email('jane.doe');
    const local = jane.split('@')[0]!;
    for (const password of [
      'password12',
      '1234567890',
      'Password123',
      'qwertyuiop',
      ' '.repeat(10),
      'aaaaaaaaaaaa',
      '1212121212',
      jane,
      `${local}2024`,
      `My${local.toUpperCase()}!`,
    ]) {
      const response = await registerWith({ email: jane, password });
      expect(response.status, password).toBe(400);
      expect((await json(response)).code, password).toBe('weak_password');
    }
    expect(
      await t.runtime.db
        .selectFrom('users')
        .select('id')
        .where(sql<boolean>`lower(email) = lower(${jane})`)
        .execute(),
    ).toEqual([]);
    expect((await registerWith({ email: jane, password: 'orbital mechanics 1962' })).status).toBe(201);
  });

  it('refuses emails with invisible characters, and folds look-alike spellings onto the existing account', async () => {
    const original = email('victim');
    expect((await registerWith({ email: original, password: PASSWORD })).status).toBe(201);
    const [local, domain] = original.split('@') as [string, string];
    for (const invisible of ['\u200b', '\u2060', '\ufeff', '\u200e']) {
      const response = await registerWith({ email: `${local.slice(0, 3)}${invisible}${local.slice(3)}@${domain}`, password: PASSWORD });
      expect(response.status).toBe(400);
      expect((await json(response)).code).toBe('invalid_email');
    }
    const fullWidth = [...local].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    for (const lookAlike of [`${fullWidth}@${domain}`, `${local}@${domain.toUpperCase()}`, ` ${original} `]) {
      const response = await registerWith({ email: lookAlike, password: PASSWORD });
      expect(response.status, lookAlike).toBe(409);
      expect((await json(response)).code).toBe('email_taken');
    }
    expect((await login(address(), `${fullWidth}@${domain}`, PASSWORD)).status).toBe(200);
    const mixed = await json(await registerWith({ email: `Mixed.Case-${randomBytes(3).toString('hex')}@Example.TEST`, password: PASSWORD }));
    expect(mixed.user.email).toMatch(/^Mixed\.Case-[0-9a-f]{6}@example\.test$/);
  });
});
