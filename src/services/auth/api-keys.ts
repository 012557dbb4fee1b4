import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';
import { SCOPES, type ApiKeyActor } from '../../domain/policy.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import { keysetPage } from '../../db/keyset.ts';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
/** Recording every use would write on every request; once a minute is enough to see a key in use. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface ApiKeysDeps {
  db: Db;
  audit: AuditLog;
}

/**
 * Keys for services: `vitae_<prefix>_<secret>`, shown once, stored as a sha256 hash (the key is
 * 256 random bits: a fast hash is enough, unlike a password). The prefix stays visible to tell
 * keys apart.
 */
export class ApiKeys {
  private readonly deps: ApiKeysDeps;
  constructor(deps: ApiKeysDeps) {
    this.deps = deps;
  }

  async create(ctx: RequestContext, input: { name: string; scopes: string[] }): Promise<ApiKeyView & { key: string }> {
    const orgId = this.adminOrg(ctx, 'api_key.create');
    const unknown = input.scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length) throw new AppError(400, 'invalid_scope', `Unknown scopes: ${unknown.join(', ')}. Valid: ${SCOPES.join(', ')}.`);
    const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
    const key = `vitae_${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const created = await tx
        .insertInto('api_keys')
        .values({
          id: newId(),
          org_id: orgId,
          name: input.name,
          prefix,
          key_hash: hash(key),
          scopes: [...new Set(input.scopes)],
          created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          last_used_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'api_key.created',
        orgId,
        resourceType: 'api_key',
        resourceId: created.id,
        details: { scopes: created.scopes },
      });
      return created;
    });
    return { ...view(row), key };
  }

  /** The organization's keys (revoked ones included, with `revoked_at`), newest first, without secrets. */
  async list(ctx: RequestContext, page: { limit: number; cursor?: string }): Promise<{ items: ApiKeyView[]; next_cursor: string | null }> {
    const orgId = this.adminOrg(ctx, 'api_key.list');
    const query = this.deps.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
      .where('org_id', '=', orgId);
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, page);
    return { items: items.map(view), next_cursor };
  }

  /** Idempotent. */
  async revoke(ctx: RequestContext, keyId: string): Promise<void> {
    const row = await this.deps.db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
    if (!row) throw notFound('API key');
    authorizeOrThrow(ctx.actor, 'api_key.revoke', { type: 'api_key', orgId: row.org_id }, 'API key');
    if (row.revoked_at) return;
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', keyId).execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'api_key.revoked', orgId: row.org_id, resourceType: 'api_key', resourceId: keyId });
    });
  }

  /**
   * The actor of an `X-Api-Key` header, or null for an unknown or revoked key. One lookup by the
   * key's hash (a unique index): comparing hashes leaks nothing about the key through timing.
   */
  async authenticate(key: string): Promise<ApiKeyActor | null> {
    if (!key.startsWith('vitae_') || key.length > 200) return null;
    const row = await this.deps.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'scopes', 'last_used_at', 'revoked_at'])
      .where('key_hash', '=', hash(key))
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      // Conditional, so that concurrent requests of one key write once.
      await this.deps.db
        .updateTable('api_keys')
        .set({ last_used_at: new Date() })
        .where('id', '=', row.id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - LAST_USED_RESOLUTION_MS))]))
        .execute();
    }
    return { kind: 'api_key', keyId: row.id, orgId: row.org_id, scopes: row.scopes };
  }

  /** The caller's organization, when the policy lets the caller manage its keys (403 otherwise). */
  private adminOrg(ctx: RequestContext, action: 'api_key.create' | 'api_key.list'): string {
    const orgId = ctx.actor.orgId;
    authorizeOrThrow(ctx.actor, action, { type: 'org_scope', orgId });
    if (!orgId) throw forbidden('Only organization admins manage API keys.');
    return orgId;
  }
}

function view(row: {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}
