import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.ts';
import { canonicalEmail } from '../../domain/email.ts';
import { AppError } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import type { UserView } from '../../services/auth/accounts.ts';
import { requireUser } from '../authenticate.ts';
import { auditContextOf } from '../request-context.ts';
import { Line, problemResponses } from '../schemas/common.ts';
import { Role, User } from '../schemas/identity.ts';
import { uncheckedField } from '../unchecked.ts';

const tags = ['identity'];
export const REFRESH_COOKIE = 'vitae_refresh';
const COOKIE_PATH = '/api/v1/auth';

const Session = Type.Object({
  user: User,
  access_token: Type.String({
    description: 'A JWT (HS256) to send as `Authorization: Bearer …`; claims `sub`, `role`, `org`, `org_role`, `sid` (the login, checked on each request).',
  }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refresh_token: Type.String({
    description: 'Opaque, single use: exchange it at /auth/refresh. Also set as the HttpOnly cookie `vitae_refresh` scoped to /api/v1/auth.',
  }),
});
const RegisterBody = Type.Object({
  email: Line({ minLength: 3, maxLength: 320 }),
  password: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      '10 to 256 characters, at least 4 different ones, not among the most common breached passwords, and not containing the email or its name before the @ (400 `weak_password` otherwise).',
  }),
  name: Line({ minLength: 1, maxLength: 200 }),
  role: Role,
  org_name: Type.Optional(
    Line({
      minLength: 1,
      maxLength: 200,
      description:
        'Recruiters only: creates the organization, with the caller as its admin. A recruiter gives this or `invitation_token` (400 `org_required` otherwise).',
    }),
  ),
  invitation_token: Type.Optional(
    Line({
      minLength: 1,
      maxLength: 200,
      description:
        'Recruiters only: the token of an invitation (from the admin who invited this email) to join that organization with the invited role. Single use; 400 `invalid_invitation` when unknown, used, cancelled or issued to another email, `invitation_expired` once expired.',
    }),
  ),
});
const LoginBody = Type.Object({ email: Line({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) });
const RefreshBody = Type.Object({ refresh_token: Type.Optional(Line({ maxLength: 200, description: 'Or send the `vitae_refresh` cookie.' })) });

/** `/auth/*`: register, login, me, refresh (rotating), logout. Login, register and refresh are rate limited. */
export function authRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { accounts, tokens, refreshTokens } = services.auth;

  return async (app) => {
    const limits = services.config.authRateLimit;
    const window = limits.windowSeconds * 1000;
    const perIp = app.createRateLimit({ max: limits.perIp, timeWindow: window, keyGenerator: (request) => `ip:${request.ip}` });
    // Per account *from one address*: a limit per account alone would let anyone lock its owner
    // out by failing on purpose from elsewhere. Spreading guesses over many addresses is bounded
    // by each address's own budget, and every failure is in the audit trail.
    const perAccountAndIp = app.createRateLimit({
      max: limits.perAccount,
      timeWindow: window,
      keyGenerator: (request) => `account:${accountKey(request)} ip:${request.ip}`,
    });
    const rateLimited = async (request: FastifyRequest) => {
      for (const limiter of [perAccountAndIp, perIp]) {
        const result = await limiter(request);
        if (!result.isAllowed && result.isExceeded)
          throw new AppError(429, 'rate_limited', 'Too many attempts; retry later.', { retryAfter: Math.max(1, result.ttlInSeconds) });
      }
    };

    const startSession = async (reply: FastifyReply, request: FastifyRequest, user: UserView, login?: { sessionId: string; token: string }) => {
      const { sessionId, token: refresh } = login ?? (await refreshTokens.start(user.id));
      reply.setCookie(REFRESH_COOKIE, refresh, {
        httpOnly: true,
        sameSite: 'strict',
        // Behind a TLS-terminating proxy the request itself may arrive over plain HTTP.
        secure: request.protocol === 'https' || services.config.publicUrl.startsWith('https:'),
        path: COOKIE_PATH,
        maxAge: services.config.auth.refreshTokenTtlSeconds,
      });
      return { user, access_token: await tokens.issue(user, sessionId), token_type: 'Bearer' as const, expires_in: tokens.ttlSeconds, refresh_token: refresh };
    };

    app.post(
      '/auth/register',
      {
        preHandler: rateLimited,
        schema: {
          tags,
          summary: 'Create an account',
          description:
            'Signs the new user in at once. Rate limited per IP and per email from one IP (429 `rate_limited` with Retry-After). 409 `email_taken` when the email exists in any letter case. 400 `invalid_email` for an address with invisible or control characters; 400 `weak_password` for a password that is too short or long, repetitive, among the most common breached passwords, or contains the email or its name before the @.',
          security: [],
          body: RegisterBody,
          response: { 201: Session, ...problemResponses(400, 409, 413, 429) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await accounts.register(body, auditContextOf(request));
        reply.code(201);
        return startSession(reply, request, user);
      },
    );

    app.post(
      '/auth/login',
      {
        preHandler: rateLimited,
        schema: {
          tags,
          summary: 'Sign in',
          description:
            'The same 401 `invalid_credentials` for an unknown email and a wrong password. Rate limited per IP and per email from one IP, so that failures from elsewhere never lock the owner out. Successes (`user.logged_in`) and failures (`user.login_failed`) are audited.',
          security: [],
          body: LoginBody,
          response: { 200: Session, ...problemResponses(400, 401, 413, 429) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        return startSession(reply, request, await accounts.login(body.email, body.password, auditContextOf(request)));
      },
    );

    app.post(
      '/auth/refresh',
      {
        preHandler: rateLimited,
        preValidation: bodyOptional,
        schema: {
          tags,
          summary: 'Exchange a refresh token for new tokens',
          description:
            'Takes the refresh token from the body or the `vitae_refresh` cookie and returns a new access token and a new refresh token; the old one stops working. Presenting an already used refresh token revokes its whole login (401 `invalid_refresh_token`): every refresh token, and the access tokens issued to it (401 `token_revoked`).',
          security: [],
          body: RefreshBody,
          response: { 200: Session, ...problemResponses(401, 429) },
        },
      },
      async (request, reply) => {
        const token = refreshTokenOf(request);
        if (!token) throw new AppError(401, 'invalid_refresh_token', 'No refresh token.');
        const rotated = await refreshTokens.rotate(token);
        const user = await accounts.get(rotated.userId);
        if (!user) throw new AppError(401, 'invalid_refresh_token', 'The account no longer exists.');
        return startSession(reply, request, user, rotated);
      },
    );

    app.post(
      '/auth/logout',
      {
        preValidation: bodyOptional,
        schema: {
          tags,
          summary: 'Sign out',
          description:
            'Ends the login of the refresh token (body or cookie): its refresh tokens stop working, access tokens issued to it answer 401 `token_revoked` (within AUTH_SESSION_CACHE_MS on other API processes), and the cookie is cleared. Idempotent.',
          security: [],
          body: RefreshBody,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const token = refreshTokenOf(request);
        if (token) await refreshTokens.revokeFamily(token);
        reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        schema: {
          tags,
          summary: 'The caller',
          description: 'People only: an API key gets 403.',
          security: [{ bearer: [] }],
          response: { 200: User, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const user = await accounts.get(requireUser(request).userId);
        if (!user) throw new AppError(401, 'invalid_token', 'The access token’s user no longer exists.');
        return user;
      },
    );
  };
}

/** The web UI refreshes with the cookie alone, in a POST without a body: validate that as `{}`. */
async function bodyOptional(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

function refreshTokenOf(request: FastifyRequest): string | undefined {
  const fromBody = uncheckedField(request.body, 'refresh_token');
  return typeof fromBody === 'string' ? fromBody : request.cookies[REFRESH_COOKIE];
}

function accountKey(request: FastifyRequest): string {
  const email = uncheckedField(request.body, 'email');
  if (typeof email === 'string') return canonicalEmail(email).toLowerCase();
  return refreshTokenOf(request)?.slice(0, 16) ?? 'anonymous';
}
