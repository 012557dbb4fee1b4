import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import { isUuid } from '../../domain/ids.ts';
import type { UserActor } from '../../domain/policy.ts';

/** What an access token says about its user: enough to authorize a request without a query. */
export interface TokenSubject {
  id: string;
  role: 'candidate' | 'recruiter';
  org_id: string | null;
  org_role: 'admin' | 'member' | null;
}

export type VerifiedToken =
  /** `sessionId`: the login (`sid`) the token belongs to; the caller checks that it still holds. */
  | { kind: 'local'; actor: UserActor; sessionId: string }
  /** A token of the external identity provider: `identity` is the configured claim (the email by default). */
  | { kind: 'external'; subject: string; identity: string };

export class InvalidToken extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidToken';
  }
}

const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;

/** Algorithms accepted from an external provider: asymmetric only, so a public JWKS can never sign. */
const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Access tokens: short-lived HS256 JWTs signed with `jose`, carrying the user's role and
 * organization and naming its login (`sub`, `role`, `org`, `org_role`, `sid`, `iss`, `aud`, `iat`,
 * `exp`, `jti`). Verification pins the algorithm, the issuer and the audience, so `alg: none`,
 * another key or another issuer are all refused; whether the login (`sid`) still holds is asked
 * of `AuthSessions` by the caller. Because the role and organization travel in the token, a
 * change to them takes effect at the next refresh, at most one access-token lifetime later.
 *
 * A verified local token is remembered until it expires (by its exact text, so only what passed
 * verification is ever found), because a client sends the same token with every request and
 * verifying it again costs more than the rest of a cheap request.
 *
 * With AUTH_JWKS_URL, tokens that are not HS256 are verified against the provider's JWKS instead
 * (the header decides which path, so a bad local token never triggers a JWKS fetch).
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly config: Config['auth'];
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  /**
   * Verified local tokens by their text. Without a TTL of the cache's own: its timers cost a cheap
   * request more than reading the expiry kept with each entry, and the LRU bound keeps it small.
   */
  private readonly verified = new LRUCache<string, { actor: UserActor; sessionId: string; expiresAtMs: number }>({ max: 10_000 });
  /** Milliseconds since the epoch: issuing, expiry and the memory of verified tokens all read this clock. */
  private readonly now: () => number;

  constructor(config: Config['auth'], secret: string, now: () => number = Date.now) {
    this.config = config;
    this.now = now;
    this.key = new TextEncoder().encode(secret);
    this.jwks = config.jwks ? createRemoteJWKSet(new URL(config.jwks.url)) : null;
  }

  get ttlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  async issue(user: TokenSubject, sessionId: string): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    return new SignJWT({ role: user.role, org: user.org_id, ...(user.org_role ? { org_role: user.org_role } : {}), sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAt)
      .setJti(randomUUID())
      .setExpirationTime(issuedAt + this.config.accessTokenTtlSeconds)
      .sign(this.key);
  }

  /** Throws `InvalidToken` for anything that is not a valid token of ours or of the configured provider. */
  async verify(token: string): Promise<VerifiedToken> {
    // Known by its exact text: a token verified before needs neither decoding nor checking again.
    const remembered = this.remembered(token);
    if (remembered) return { kind: 'local', ...remembered };
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (error) {
      throw new InvalidToken('not a JWT', { cause: error });
    }
    if (alg === 'HS256') return { kind: 'local', ...(await this.verifyLocal(token)) };
    if (this.jwks && this.config.jwks) return this.verifyExternal(token, this.jwks, this.config.jwks);
    throw new InvalidToken(`unexpected algorithm ${String(alg)}`);
  }

  /** A local token verified before and not expired since (by this service's clock). */
  private remembered(token: string): { actor: UserActor; sessionId: string } | null {
    const remembered = this.verified.get(token);
    if (!remembered) return null;
    if (remembered.expiresAtMs > this.now()) return { actor: remembered.actor, sessionId: remembered.sessionId };
    this.verified.delete(token);
    return null;
  }

  private async verifyLocal(token: string): Promise<{ actor: UserActor; sessionId: string }> {
    const { payload } = await jwtVerify(token, this.key, {
      currentDate: new Date(this.now()),
      algorithms: ['HS256'],
      issuer: this.config.issuer,
      audience: this.config.audience,
      requiredClaims: ['sub', 'exp'],
    }).catch((error: unknown) => {
      throw new InvalidToken('signature or claims rejected', { cause: error });
    });
    const { sub, role, org, org_role: orgRole = null, sid } = payload as JWTPayload & { role?: unknown; org?: unknown; org_role?: unknown; sid?: unknown };
    // Signed by us, yet checked like input: ids go into queries, and a malformed one must be a 401, not a 500.
    const validOrg = isUuid(org) || org === null;
    if (!isUuid(sub) || (role !== 'candidate' && role !== 'recruiter') || !validOrg || (orgRole !== null && orgRole !== 'admin' && orgRole !== 'member')) {
      throw new InvalidToken('malformed claims');
    }
    // Tokens issued before sessions existed name none: they cannot be revoked, so they are refused (the client refreshes).
    if (typeof sid !== 'string' || !isUuid(sid)) throw new InvalidToken('no session');
    const verified = Object.freeze({ actor: Object.freeze<UserActor>({ kind: 'user', userId: sub, role, orgId: org, orgRole }), sessionId: sid });
    const expiresAtMs = payload.exp! * 1000;
    if (expiresAtMs > this.now()) this.verified.set(token, { ...verified, expiresAtMs });
    return verified;
  }

  private async verifyExternal(
    token: string,
    jwks: ReturnType<typeof createRemoteJWKSet>,
    config: NonNullable<Config['auth']['jwks']>,
  ): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: EXTERNAL_ALGORITHMS,
      requiredClaims: ['sub', 'exp'],
    }).catch((error: unknown) => {
      throw new InvalidToken('rejected by the identity provider’s keys', { cause: error });
    });
    const identity = payload[config.claim];
    if (typeof identity !== 'string' || identity === '' || !payload.sub) throw new InvalidToken(`the token has no ${config.claim} claim`);
    // PostgreSQL refuses NUL in text; no identifier of a person holds a control character.
    if (CONTROL_CHARACTER.test(identity) || CONTROL_CHARACTER.test(payload.sub)) throw new InvalidToken('control characters in the subject or identity');
    // An address the provider has not verified could be anyone's: never map it to an account.
    if (config.claim === 'email' && payload.email_verified === false) throw new InvalidToken('the provider has not verified this email');
    return { kind: 'external', subject: payload.sub, identity };
  }
}
