import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';

export interface AccessClaims {
  sub: string;
}

/**
 * Access tokens: short-lived HS256 JWTs signed with `jose`. Verification pins the algorithm, the
 * issuer and the audience, so `alg: none`, another key or another issuer are all refused. With
 * AUTH_JWKS_URL, tokens of an external identity provider are verified against its JWKS instead.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly config: Config['auth'];
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(config: Config['auth'], secret: string) {
    this.config = config;
    this.key = new TextEncoder().encode(secret);
    this.jwks = config.jwks ? createRemoteJWKSet(new URL(config.jwks.url)) : null;
  }

  get ttlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  async issue(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.config.accessTokenTtlSeconds}s`)
      .sign(this.key);
  }

  /** Our own token → `{kind:'local', userId}`; an external provider's → `{kind:'external', identity}`; else throws. */
  async verify(token: string): Promise<{ kind: 'local'; userId: string } | { kind: 'external'; identity: string; subject: string }> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: this.config.issuer, audience: this.config.audience });
      if (!payload.sub) throw new Error('no subject');
      return { kind: 'local', userId: payload.sub };
    } catch (localError) {
      if (!this.jwks || !this.config.jwks) throw localError;
      const { payload } = await jwtVerify(token, this.jwks, { issuer: this.config.jwks.issuer, audience: this.config.jwks.audience, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] });
      const identity = claim(payload, this.config.jwks.claim);
      if (!identity || !payload.sub) throw new Error(`the token has no ${this.config.jwks.claim} claim`);
      return { kind: 'external', identity, subject: payload.sub };
    }
  }
}

function claim(payload: JWTPayload, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}
