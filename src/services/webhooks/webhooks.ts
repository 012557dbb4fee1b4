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

export const WEBHOOK_EVENTS = ['file.clean', 'file.infected', 'file.rejected', 'candidate.scored'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A receiver that does not answer within this is retried later. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Outbound webhooks. Events are recorded as deliveries in the transaction of the change that
 * caused them, then sent by queue jobs with retries and backoff. Each request is signed:
 * `Vitae-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so that a receiver can
 * check it came from Vitae and refuse replays (an old `t`).
 *
 * The signing secret of a webhook is derived from the server's key and the webhook's id: it is
 * shown once at creation and never stored, so a database leak does not leak it.
 */
export class Webhooks {
  private readonly db: Db;
  private readonly queue: JobQueue;
  private readonly audit: AuditLog;
  private readonly masterKey: string;
  private readonly allowPrivateTargets: boolean;

  constructor(deps: { db: Db; queue: JobQueue; audit: AuditLog; masterKey: string; allowPrivateTargets: boolean }) {
    this.db = deps.db;
    this.queue = deps.queue;
    this.audit = deps.audit;
    this.masterKey = deps.masterKey;
    this.allowPrivateTargets = deps.allowPrivateTargets;
  }

  async create(ctx: RequestContext, input: { url: string; events: string[] }) {
    const orgId = this.orgOf(ctx);
    this.assertTarget(input.url);
    const unknown = input.events.filter((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
    if (unknown.length || input.events.length === 0) throw new AppError(400, 'invalid_event', `Events must be among: ${WEBHOOK_EVENTS.join(', ')}.`);
    const row = await this.db.transaction().execute(async (tx) => {
      const created = await tx
        .insertInto('webhooks')
        .values({ id: newId(), org_id: orgId, url: input.url, events: [...new Set(input.events)], created_by: ctx.audit.actorId, disabled_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.append(tx, ctx.audit, { action: 'webhook.created', orgId, resourceType: 'webhook', resourceId: created.id, details: { events: created.events } });
      return created;
    });
    return { ...view(row), secret: this.secretOf(row.id) };
  }

  async list(ctx: RequestContext) {
    const orgId = this.orgOf(ctx);
    return (await this.db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).where('disabled_at', 'is', null).orderBy('created_at', 'desc').execute()).map(view);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const hook = await this.load(ctx, id);
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('webhooks').set({ disabled_at: new Date() }).where('id', '=', hook.id).execute();
      await this.audit.append(tx, ctx.audit, { action: 'webhook.deleted', orgId: hook.org_id, resourceType: 'webhook', resourceId: hook.id });
    });
  }

  async deliveries(ctx: RequestContext, id: string) {
    const hook = await this.load(ctx, id);
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', hook.id).orderBy('created_at', 'desc').limit(100).execute();
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
    const hooks = await tx.selectFrom('webhooks').select('id').where('org_id', '=', orgId).where('disabled_at', 'is', null).where(sql<boolean>`${event} = ANY(events)`).execute();
    for (const hook of hooks) {
      const id = newId();
      const payload = { id, type: event, created_at: new Date().toISOString(), data };
      await tx.insertInto('webhook_deliveries').values({ id, webhook_id: hook.id, event, payload: JSON.stringify(payload) }).execute();
      await this.queue.send(JOBS.deliverWebhook, { deliveryId: id }, { tx });
    }
  }

  /** The queue job: one attempt. Throws on failure so that the queue retries with backoff. */
  async deliver(deliveryId: string, attempt: { final: boolean }): Promise<void> {
    const delivery = await this.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select(['webhook_deliveries.id', 'webhook_deliveries.event', 'webhook_deliveries.payload', 'webhook_deliveries.status', 'webhooks.url', 'webhooks.id as webhook_id', 'webhooks.disabled_at'])
      .where('webhook_deliveries.id', '=', deliveryId)
      .executeTakeFirst();
    if (!delivery || delivery.status === 'delivered' || delivery.disabled_at) return;
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      this.assertTarget(delivery.url);
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Vitae-Webhooks/1',
          'vitae-event': delivery.event,
          'vitae-delivery': delivery.id,
          'vitae-signature': `t=${timestamp},v1=${signPayload(this.secretOf(delivery.webhook_id), timestamp, body)}`,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `receiver answered ${response.status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    await this.db
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

  secretOf(webhookId: string): string {
    return `whsec_${createHmac('sha256', this.masterKey).update(`webhook:${webhookId}`).digest('base64url')}`;
  }

  private assertTarget(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError(400, 'invalid_url', 'The webhook URL is not a valid URL.');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError(400, 'invalid_url', 'Webhook URLs must be http(s).');
    if (!this.allowPrivateTargets && isPrivateHost(parsed.hostname)) {
      throw new AppError(400, 'private_url', 'Webhook URLs may not point at private or loopback addresses (set WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow).');
    }
  }

  private orgOf(ctx: RequestContext): string {
    const orgId = ctx.actor.orgId;
    if (!orgId || !authorize(ctx.actor, 'webhook.manage', { type: 'org_scope', orgId }).allowed) throw forbidden('Only organization admins manage webhooks.');
    return orgId;
  }

  private async load(ctx: RequestContext, id: string) {
    const hook = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
    if (!hook) throw notFound('Webhook');
    const decision = authorize(ctx.actor, 'webhook.manage', { type: 'org_scope', orgId: hook.org_id });
    if (!decision.allowed) throw decision.visible ? forbidden() : notFound('Webhook');
    return hook;
  }
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Literal loopback, private, link-local and unique-local addresses, and localhost names. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  if (/^(127\.|10\.|192\.168\.|169\.254\.|0\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host)) return true;
  return host === '::1' || host === '::' || /^(fc|fd|fe80)/.test(host);
}

function view(row: { id: string; url: string; events: string[]; created_at: Date }) {
  return { id: row.id, url: row.url, events: row.events, created_at: row.created_at.toISOString() };
}
