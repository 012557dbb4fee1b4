import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { AppError } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import type { UserView } from '../../services/auth/accounts.ts';
import { requireActor } from '../authenticate.ts';
import { problemResponses, Uuid } from '../schemas/common.ts';

const tags = ['identity'];
const REFRESH_COOKIE = 'vitae_refresh';

const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('candidate'), Type.Literal('recruiter')]),
  org_id: Type.Union([Uuid, Type.Null()]),
  org_role: Type.Union([Type.Literal('admin'), Type.Literal('member'), Type.Null()]),
  org_name: Type.Union([Type.String(), Type.Null()]),
});
const Session = Type.Object({
  user: User,
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refresh_token: Type.String({ description: 'Also set as an HttpOnly cookie scoped to /api/v1/auth.' }),
});
const RegisterBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: Type.Union([Type.Literal('candidate'), Type.Literal('recruiter')]),
  org_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
const LoginBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) });
const RefreshBody = Type.Object({ refresh_token: Type.Optional(Type.String({ maxLength: 200 })) });

/** `/auth/*`: register, login, me, refresh (rotating), logout. Login, register and refresh are rate limited. */
export function authRoutes(services: Services): FastifyPluginAsync {
  const { accounts, tokens, refreshTokens } = services.auth;

  return async (app) => {
    const limits = services.config.authRateLimit;
    const window = limits.windowSeconds * 1000;
    const perIp = app.createRateLimit({ max: limits.perIp, timeWindow: window, keyGenerator: (request) => `ip:${request.ip}` });
    const perAccount = app.createRateLimit({
      max: limits.perAccount,
      timeWindow: window,
      keyGenerator: (request) => `account:${accountKey(request)}`,
    });
    const rateLimited = async (request: FastifyRequest) => {
      for (const limiter of [perIp, perAccount]) {
        const result = await limiter(request);
        if (!result.isAllowed && result.isExceeded) throw new AppError(429, 'rate_limited', 'Too many attempts; retry later.', { retryAfter: Math.max(1, result.ttlInSeconds) });
      }
    };

    const startSession = async (reply: FastifyReply, request: FastifyRequest, user: UserView, refreshToken?: string) => {
      const refresh = refreshToken ?? (await refreshTokens.issue(user.id));
      reply.setCookie(REFRESH_COOKIE, refresh, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/api/v1/auth',
        maxAge: services.config.auth.refreshTokenTtlSeconds,
      });
      return { user, access_token: await tokens.issue(user.id), token_type: 'Bearer' as const, expires_in: tokens.ttlSeconds, refresh_token: refresh };
    };

    app.post(
      '/auth/register',
      { preHandler: rateLimited, schema: { tags, summary: 'Create an account', security: [], body: RegisterBody, response: { 201: Session, ...problemResponses(400, 409, 413, 429) } } },
      async (request, reply) => {
        const body = request.body as Static<typeof RegisterBody>;
        const user = await accounts.register(body, auditOf(request));
        reply.code(201);
        return startSession(reply, request, user);
      },
    );

    app.post(
      '/auth/login',
      { preHandler: rateLimited, schema: { tags, summary: 'Sign in', security: [], body: LoginBody, response: { 200: Session, ...problemResponses(400, 401, 429) } } },
      async (request, reply) => {
        const body = request.body as Static<typeof LoginBody>;
        return startSession(reply, request, await accounts.login(body.email, body.password));
      },
    );

    app.post(
      '/auth/refresh',
      {
        preHandler: rateLimited,
        schema: { tags, summary: 'Exchange a refresh token (body or cookie) for new tokens; the old one stops working', security: [], body: Type.Optional(RefreshBody), response: { 200: Session, ...problemResponses(401, 429) } },
      },
      async (request, reply) => {
        const token = refreshTokenOf(request);
        if (!token) throw new AppError(401, 'invalid_refresh_token', 'No refresh token.');
        const rotated = await refreshTokens.rotate(token);
        const user = await accounts.get(rotated.userId);
        if (!user) throw new AppError(401, 'invalid_refresh_token', 'The account no longer exists.');
        return startSession(reply, request, user, rotated.token);
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags, summary: 'End the session (revokes the refresh token’s family)', security: [], body: Type.Optional(RefreshBody), response: { 204: Type.Null() } } },
      async (request, reply) => {
        const token = refreshTokenOf(request);
        if (token) await refreshTokens.revokeFamily(token);
        reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
        return reply.code(204).send();
      },
    );

    app.get('/auth/me', { schema: { tags, summary: 'The caller', response: { 200: User, ...problemResponses(401, 403) } } }, async (request) => {
      const actor = requireActor(request);
      if (actor.kind !== 'user') throw new AppError(403, 'forbidden', 'API keys have no user.');
      return (await accounts.get(actor.userId))!;
    });
  };
}

function refreshTokenOf(request: FastifyRequest): string | undefined {
  const fromBody = (request.body as { refresh_token?: string } | undefined)?.refresh_token;
  return fromBody ?? request.cookies[REFRESH_COOKIE];
}

function accountKey(request: FastifyRequest): string {
  const body = request.body as { email?: unknown; refresh_token?: unknown } | undefined;
  if (typeof body?.email === 'string') return body.email.trim().toLowerCase();
  return refreshTokenOf(request)?.slice(0, 16) ?? 'anonymous';
}

function auditOf(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return { actorId: null, actorType: 'anonymous' as const, ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null, requestId: String(request.id) };
}
