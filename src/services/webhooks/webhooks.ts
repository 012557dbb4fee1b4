import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';
import { authorize } from '../../domain/policy.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { JOBS } from '../../queue/jobs.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { postPinned } from './deliver-request.ts';
import { assertRegistrable, resolveDestination, type ResolveHost } from './destination.ts';
import { newWebhookSecret, type SecretBox } from './secret-box.ts';
import { enforce } from '../authorize.ts';

export const WEBHOOK_EVENTS = ['file.clean', 'file.infected', 'file.rejected', 'candidate.scored', 'retention.due'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A receiver that does not answer within this is retried later. */
const DELIVERY_TIMEOUT_MS = 10_000;

interface WebhooksDeps {
  db: Db;
  queue: JobQueue;
  audit: AuditLog;
  secrets: SecretBox;
  allowPrivateTargets: boolean;
  resolveHost: ResolveHost;
}

/**
 * Outbound webhooks. Events are recorded as deliveries in the transaction of the change that
 * caused them, then sent by queue jobs with retries and backoff. Each request is signed:
 * `Vitae-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so that a receiver can
 * check it came from Vitae and refuse replays (an old `t`).
 *
 * Each webhook has its own random signing secret, shown once at creation and at each rotation,
 * and stored encrypted (`SecretBox`): HMAC signing needs the secret itself, and neither a database
 * leak nor a change of any other server key changes or reveals it.
 *
 * Destinations must be public addresses, checked when the webhook is registered and again at every
 * delivery, on the addresses the name resolves to then (`destination.ts`).
 */
export class Webhooks {
  private readonly deps: WebhooksDeps;
  private readonly destinations: { resolve: ResolveHost; allowPrivate: boolean };

  constructor(deps: WebhooksDeps) {
    this.deps = deps;
    this.destinations = { resolve: deps.resolveHost, allowPrivate: deps.allowPrivateTargets };
  }

  async create(ctx: RequestContext, input: { url: string; events: string[] }) {
    const orgId = this.orgOf(ctx);
    await assertRegistrable(parseTarget(input.url), this.destinations);
    const unknown = input.events.filter((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
    if (unknown.length || input.events.length === 0) throw new AppError(400, 'invalid_event', `Events must be among: ${WEBHOOK_EVENTS.join(', ')}.`);
    const id = newId();
    const secret = newWebhookSecret();
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const created = await tx
        .insertInto('webhooks')
        .values({
          id,
          org_id: orgId,
          url: input.url,
          events: [...new Set(input.events)],
          created_by: ctx.audit.actorId,
          disabled_at: null,
          secret_ciphertext: this.deps.secrets.seal(secret, id),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'webhook.created',
        orgId,
        resourceType: 'webhook',
        resourceId: created.id,
        details: { events: created.events },
      });
      return created;
    });
    return { ...view(row), secret };
  }

  /** A new signing secret, in force for every delivery attempted from now on; the old one stops working at once. */
  async rotateSecret(ctx: RequestContext, id: string) {
    const hook = await this.load(ctx, id);
    const secret = newWebhookSecret();
    await this.deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('webhooks')
        .set({ secret_ciphertext: this.deps.secrets.seal(secret, hook.id) })
        .where('id', '=', hook.id)
        .execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'webhook.secret_rotated', orgId: hook.org_id, resourceType: 'webhook', resourceId: hook.id });
    });
    return { ...view(hook), secret };
  }

  async list(ctx: RequestContext) {
    const orgId = this.orgOf(ctx);
    return (
      await this.deps.db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).where('disabled_at', 'is', null).orderBy('created_at', 'desc').execute()
    ).map(view);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const hook = await this.load(ctx, id);
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('webhooks').set({ disabled_at: new Date() }).where('id', '=', hook.id).execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'webhook.deleted', orgId: hook.org_id, resourceType: 'webhook', resourceId: hook.id });
    });
  }

  async deliveries(ctx: RequestContext, id: string) {
    const hook = await this.load(ctx, id);
    const rows = await this.deps.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', hook.id)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      event: row.event,
      status: row.status,
      attempts: row.attempts,
      last_status_code: row.last_status_code,
      last_error: row.last_error,
      created_at: row.created_at.toISOString(),
      last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
      delivered_at: row.delivered_at?.toISOString() ?? null,
    }));
  }

  /** Records the event for every subscribed webhook of the organization, in the caller's transaction. */
  async emit(tx: Executor, orgId: string | null, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    if (!orgId) return;
    const hooks = await tx
      .selectFrom('webhooks')
      .select('id')
      .where('org_id', '=', orgId)
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`${event} = ANY(events)`)
      .execute();
    for (const hook of hooks) {
      const id = newId();
      const payload = { id, type: event, created_at: new Date().toISOString(), data };
      await tx
        .insertInto('webhook_deliveries')
        .values({ id, webhook_id: hook.id, event, payload: JSON.stringify(payload) })
        .execute();
      await this.deps.queue.send(JOBS.deliverWebhook, { deliveryId: id }, { tx });
    }
  }

  /** The queue job: one attempt. Throws on failure so that the queue retries with backoff. */
  async deliver(deliveryId: string, attempt: { final: boolean }): Promise<void> {
    const delivery = await this.deps.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.event',
        'webhook_deliveries.payload',
        'webhook_deliveries.status',
        'webhooks.url',
        'webhooks.id as webhook_id',
        'webhooks.disabled_at',
        'webhooks.secret_ciphertext',
      ])
      .where('webhook_deliveries.id', '=', deliveryId)
      .executeTakeFirst();
    if (!delivery || delivery.status === 'delivered' || delivery.disabled_at) return;
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const url = parseTarget(delivery.url);
      const pinned = await resolveDestination(url, this.destinations);
      const secret = this.deps.secrets.open(delivery.secret_ciphertext, delivery.webhook_id);
      statusCode = await postPinned(url, pinned, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Vitae-Webhooks/1',
          'vitae-event': delivery.event,
          'vitae-delivery': delivery.id,
          'vitae-signature': `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`,
        },
        body,
        timeoutMs: DELIVERY_TIMEOUT_MS,
      });
      if (statusCode < 200 || statusCode > 299) error = `receiver answered ${statusCode}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    await this.deps.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: new Date(),
        last_status_code: statusCode,
        last_error: error,
        status: error ? (attempt.final ? 'failed' : 'pending') : 'delivered',
        ...(error ? {} : { delivered_at: new Date() }),
      }))
      .where('id', '=', deliveryId)
      .execute();
    if (error) throw new Error(`webhook delivery ${deliveryId} failed: ${error}`);
  }

  private orgOf(ctx: RequestContext): string {
    const orgId = ctx.actor.orgId;
    if (!orgId || !authorize(ctx.actor, 'webhook.manage', { type: 'org_scope', orgId }).allowed) throw forbidden('Only organization admins manage webhooks.');
    return orgId;
  }

  private async load(ctx: RequestContext, id: string) {
    const hook = await this.deps.db.selectFrom('webhooks').selectAll().where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
    if (!hook) throw notFound('Webhook');
    const decision = authorize(ctx.actor, 'webhook.manage', { type: 'org_scope', orgId: hook.org_id });
    enforce(decision, 'Webhook');
    return hook;
  }
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError(400, 'invalid_url', 'The webhook URL is not a valid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError(400, 'invalid_url', 'Webhook URLs must be http(s).');
  return parsed;
}

function view(row: { id: string; url: string; events: string[]; created_at: Date }) {
  return { id: row.id, url: row.url, events: row.events, created_at: row.created_at.toISOString() };
}
