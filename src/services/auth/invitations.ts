import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import type { InvitationsTable, OrgRole } from '../../db/schema.ts';
import { newId } from '../../domain/ids.ts';
import { AppError, conflict, notFound } from '../../errors.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import { keysetPage } from '../../db/keyset.ts';

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'cancelled';

export interface InvitationView {
  id: string;
  org_id: string;
  email: string;
  org_role: OrgRole;
  status: InvitationStatus;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  cancelled_at: string | null;
}

/** A new invitation with its token: the only time the token exists outside the invitee's hands. */
export interface IssuedInvitation {
  invitation: InvitationView;
  token: string;
  /** The web app's registration page with the token in the fragment (never sent to a server). */
  url: string;
}

/** What a claimed invitation grants. */
export interface ClaimedInvitation {
  id: string;
  orgId: string;
  orgRole: OrgRole;
}

const TOKEN_PREFIX = 'vitae_inv_';
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

interface InvitationsDeps {
  db: Db;
  audit: AuditLog;
  ttlSeconds: number;
  publicUrl: string;
}

/**
 * Invitations to join an organization as a recruiter. Each one is a single-use bearer token
 * (32 random bytes) handed once to the admin who sends it to the invitee; only its sha256 is
 * stored. Registering joins an organization only by presenting the token, and only with the
 * invited address (in any letter case): knowing that someone was invited, or registering their
 * address first, grants nothing. Tokens expire after INVITATION_TTL_SECONDS and admins can list
 * and cancel them; inviting an address again replaces its open invitation, so a lost token is
 * never a dead end.
 */
export class Invitations {
  private readonly deps: InvitationsDeps;

  constructor(deps: InvitationsDeps) {
    this.deps = deps;
  }

  /** Called by `Accounts.addMember` (already authorized) inside its transaction. */
  async create(tx: Tx, audit: AuditContext, input: { orgId: string; email: string; orgRole: OrgRole; invitedBy: string | null }): Promise<IssuedInvitation> {
    const now = new Date();
    await tx
      .updateTable('invitations')
      .set({ cancelled_at: now })
      .where('org_id', '=', input.orgId)
      .where(sql<boolean>`lower(email) = lower(${input.email})`)
      .where('accepted_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .execute();
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = newId();
    const row = await tx
      .insertInto('invitations')
      .values({
        id,
        org_id: input.orgId,
        email: input.email,
        org_role: input.orgRole,
        invited_by: input.invitedBy,
        token_hash: hash(token),
        created_at: now,
        expires_at: new Date(now.getTime() + this.deps.ttlSeconds * 1000),
        accepted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.deps.audit.append(tx, audit, {
      action: 'org.member_invited',
      orgId: input.orgId,
      resourceType: 'invitation',
      resourceId: id,
      details: { org_role: input.orgRole },
    });
    return { invitation: toView(row), token, url: `${this.deps.publicUrl}/register#invitation=${token}` };
  }

  /**
   * Consumes the token for the user registering with `email`, in the registration's transaction.
   * One conditional update, so that two registrations racing with one token cannot both win.
   * 400 `invitation_expired` for an expired token; 400 `invalid_invitation` for any other refusal
   * (unknown, used, cancelled, or issued to another address).
   */
  async claim(tx: Tx, token: string, email: string, userId: string): Promise<ClaimedInvitation> {
    const tokenHash = hash(token);
    const claimed = await tx
      .updateTable('invitations')
      .set({ accepted_at: new Date(), accepted_by: userId })
      .where('token_hash', '=', tokenHash)
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .where('accepted_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['id', 'org_id', 'org_role'])
      .executeTakeFirst();
    if (claimed) return { id: claimed.id, orgId: claimed.org_id, orgRole: claimed.org_role };
    const found = await tx
      .selectFrom('invitations')
      .select(['email', 'expires_at', 'accepted_at', 'cancelled_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    const expired = found && !found.accepted_at && !found.cancelled_at && found.email.toLowerCase() === email.toLowerCase() && found.expires_at <= new Date();
    if (expired) throw new AppError(400, 'invitation_expired', 'This invitation has expired: ask the organization’s admin for a new one.');
    throw new AppError(400, 'invalid_invitation', 'This invitation is not valid for this email: it is unknown, used, cancelled or meant for another address.');
  }

  /** The organization's invitations, newest first, optionally of one status. */
  async list(
    ctx: RequestContext,
    orgId: string,
    options: { status?: InvitationStatus; limit: number; cursor?: string },
  ): Promise<{ items: InvitationView[]; next_cursor: string | null }> {
    authorizeOrThrow(ctx.actor, 'org.members.read', { type: 'org_scope', orgId }, 'Organization');
    const now = new Date();
    const query = this.deps.db
      .selectFrom('invitations')
      .selectAll()
      .where('org_id', '=', orgId)
      .$if(options.status === 'accepted', (query) => query.where('accepted_at', 'is not', null))
      .$if(options.status === 'cancelled', (query) => query.where('accepted_at', 'is', null).where('cancelled_at', 'is not', null))
      .$if(options.status === 'pending', (query) => query.where('accepted_at', 'is', null).where('cancelled_at', 'is', null).where('expires_at', '>', now))
      .$if(options.status === 'expired', (query) => query.where('accepted_at', 'is', null).where('cancelled_at', 'is', null).where('expires_at', '<=', now));
    const { items, next_cursor } = await keysetPage(query, { at: 'created_at', id: 'id' }, options);
    return { items: items.map((row) => toView(row, now)), next_cursor };
  }

  /** Ends an open invitation; idempotent. 404 for another organization's, 409 `invitation_accepted` once used. */
  async cancel(ctx: RequestContext, orgId: string, invitationId: string): Promise<void> {
    authorizeOrThrow(ctx.actor, 'org.members.write', { type: 'org_scope', orgId }, 'Organization');
    await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('invitations')
        .select(['accepted_at', 'cancelled_at'])
        .where('id', '=', invitationId)
        .where('org_id', '=', orgId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound('Invitation');
      if (row.accepted_at) throw conflict('invitation_accepted', 'This invitation has been accepted already; it can no longer be cancelled.');
      if (row.cancelled_at) return;
      await tx.updateTable('invitations').set({ cancelled_at: new Date() }).where('id', '=', invitationId).execute();
      await this.deps.audit.append(tx, ctx.audit, { action: 'org.invitation_cancelled', orgId, resourceType: 'invitation', resourceId: invitationId });
    });
  }
}

type InvitationRow = Pick<
  Selectable<InvitationsTable>,
  'id' | 'org_id' | 'email' | 'org_role' | 'invited_by' | 'created_at' | 'expires_at' | 'accepted_at' | 'cancelled_at'
>;

function statusOf(row: InvitationRow, now: Date): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.cancelled_at) return 'cancelled';
  return row.expires_at <= now ? 'expired' : 'pending';
}

function toView(row: InvitationRow, now = new Date()): InvitationView {
  return {
    id: row.id,
    org_id: row.org_id,
    email: row.email,
    org_role: row.org_role,
    status: statusOf(row, now),
    invited_by: row.invited_by,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    accepted_at: row.accepted_at?.toISOString() ?? null,
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
  };
}
