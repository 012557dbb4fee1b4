import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { Type } from '../schemas/json-schema.ts';
import type { ReadinessCheck } from '../../readiness.ts';
import type { Runtime } from '../../runtime.ts';

const Check = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('down'), Type.Literal('none')]),
  detail: Type.Optional(Type.String()),
});

const CHECK_TIMEOUT_MS = 3_000;

/** `GET /healthz` (the process is up) and `GET /readyz` (its dependencies answer). */
export function healthRoutes(runtime: Runtime, extraChecks: ReadinessCheck[]): FastifyPluginAsync {
  const checks: ReadinessCheck[] = [
    { name: 'database', run: async () => (await sql`select 1`.execute(runtime.db), 'ok') },
    { name: 'storage', run: async () => (await runtime.store.check(), 'ok') },
    ...extraChecks,
  ];

  return async (app) => {
    app.get('/healthz', { schema: { tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
      status: 'ok' as const,
    }));

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          description: 'Each dependency: ok, down, or none (not configured). 503 when any configured part is down.',
          response: {
            200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }),
            503: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }),
          },
        },
      },
      async (_request, reply) => {
        const results = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check)] as const));
        const down = results.some(([, result]) => result.status === 'down');
        if (down) reply.code(503).header('retry-after', '5');
        return { status: down ? 'unavailable' : 'ok', checks: Object.fromEntries(results) };
      },
    );
  };
}

async function runCheck(check: ReadinessCheck): Promise<{ status: 'ok' | 'down' | 'none'; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const result = await Promise.race([check.run(), timeout]);
    return typeof result === 'string' ? { status: result } : result;
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
