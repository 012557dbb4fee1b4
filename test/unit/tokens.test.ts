import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { TokenService } from '../../src/services/auth/tokens.ts';

const SECRET = 'a'.repeat(48);
const config: Config['auth'] = {
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 3600,
  invitationTtlSeconds: 3600,
  sessionCacheMs: 0,
  issuer: 'vitae',
  audience: 'vitae-api',
};
const tokens = new TokenService(config, SECRET);
const admin = {
  id: '0190a8f0-0000-7000-8000-000000000001',
  role: 'recruiter' as const,
  org_id: '0190a8f0-0000-7000-8000-0000000000aa',
  org_role: 'admin' as const,
};
const SID = '0190a8f0-0000-7000-8000-0000000000ee';
const key = (secret: string) => new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);
/** A token with our claims, signed by `secret`, then adjusted by `edit`. */
const forge = (secret: string, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
  edit(
    new SignJWT({ role: 'recruiter', org: admin.org_id, org_role: 'admin', sid: SID })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id)
      .setIssuer('vitae')
      .setAudience('vitae-api')
      .setIssuedAt()
      .setExpirationTime('5m'),
  ).sign(key(secret));

describe('access tokens', () => {
  it('carry the user, role and organization, and the standard claims', async () => {
    const token = await tokens.issue(admin, SID);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: admin.id, role: 'recruiter', org: admin.org_id, org_role: 'admin', sid: SID, iss: 'vitae', aud: 'vitae-api' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await tokens.verify(token)).toEqual({
      kind: 'local',
      sessionId: SID,
      actor: { kind: 'user', userId: admin.id, role: 'recruiter', orgId: admin.org_id, orgRole: 'admin' },
    });
  });

  it('omit org_role for a candidate and read it back as null', async () => {
    const token = await tokens.issue({ id: admin.id, role: 'candidate', org_id: null, org_role: null }, SID);
    expect(decodeJwt(token)).not.toHaveProperty('org_role');
    expect(await tokens.verify(token)).toEqual({
      kind: 'local',
      sessionId: SID,
      actor: { kind: 'user', userId: admin.id, role: 'candidate', orgId: null, orgRole: null },
    });
  });

  it('are unique even when issued in the same second', async () => {
    expect(await tokens.issue(admin, SID)).not.toBe(await tokens.issue(admin, SID));
  });

  const refused: Array<[string, () => Promise<string>]> = [
    [
      'alg: none',
      async () =>
        new UnsecuredJWT({ role: 'recruiter', org: admin.org_id, org_role: 'admin' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .encode(),
    ],
    ['another secret', () => forge('b'.repeat(48))],
    ['expired', () => forge(SECRET, (jwt) => jwt.setIssuedAt(now() - 3600).setExpirationTime(now() - 60))],
    ['another issuer', () => forge(SECRET, (jwt) => jwt.setIssuer('evil'))],
    ['another audience', () => forge(SECRET, (jwt) => jwt.setAudience('other'))],
    [
      'no expiry',
      () =>
        new SignJWT({ role: 'recruiter', org: admin.org_id })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .sign(key(SECRET)),
    ],
    [
      'no role',
      () =>
        new SignJWT({ org: admin.org_id })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .sign(key(SECRET)),
    ],
    [
      'an unknown role',
      () =>
        new SignJWT({ role: 'root', org: null })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .sign(key(SECRET)),
    ],
    [
      'HS512 with the right secret',
      () =>
        new SignJWT({ role: 'recruiter', org: null })
          .setProtectedHeader({ alg: 'HS512' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .sign(key(SECRET)),
    ],
    [
      'a payload edited after signing',
      async () => {
        const [header, , signature] = (await tokens.issue({ ...admin, role: 'candidate', org_id: null, org_role: null }, SID)).split('.');
        const payload = base64url.encode(
          JSON.stringify({ sub: admin.id, role: 'recruiter', org: admin.org_id, org_role: 'admin', iss: 'vitae', aud: 'vitae-api', exp: now() + 300 }),
        );
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'no session (a token from before sessions)',
      () =>
        new SignJWT({ role: 'recruiter', org: admin.org_id, org_role: 'admin' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .sign(key(SECRET)),
    ],
    [
      'a session that is not an id',
      () =>
        new SignJWT({ role: 'recruiter', org: admin.org_id, org_role: 'admin', sid: 'any' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(admin.id)
          .setIssuer('vitae')
          .setAudience('vitae-api')
          .setExpirationTime('5m')
          .sign(key(SECRET)),
    ],
    ['not a JWT', async () => 'not-a-token'],
  ];

  it.each(refused)('refuse %s', async (_name, make) => {
    await expect(tokens.verify(await make())).rejects.toThrow();
  });

  it('refuse non-HS256 tokens outright when no external provider is configured', async () => {
    const rs = `${base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ sub: 'x' }))}.c2ln`;
    await expect(tokens.verify(rs)).rejects.toThrow(/unexpected algorithm/);
  });

  it('stay refused once expired, even after a successful verification was remembered', async () => {
    let clock = Date.now();
    const shortLived = new TokenService({ ...config, accessTokenTtlSeconds: 60 }, SECRET, () => clock);
    const token = await shortLived.issue(admin, SID);
    expect(decodeJwt(token).exp).toBe(Math.floor(clock / 1000) + 60);
    expect((await shortLived.verify(token)).kind).toBe('local');
    clock += 59_000;
    expect((await shortLived.verify(token)).kind).toBe('local');
    clock += 2_000;
    await expect(shortLived.verify(token)).rejects.toThrow();
  });

  it('are remembered by their exact text: a changed signature is verified, and refused', async () => {
    const token = await tokens.issue(admin, SID);
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verify(flipped)).rejects.toThrow();
  });
});
