import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import type { OrgRole, UserRole } from '../../db/schema.ts';
import { newId } from '../../domain/ids.ts';
import { authorize, type UserActor } from '../../domain/policy.ts';
import { AppError, conflict, forbidden, notFound } from '../../errors.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { RequestContext } from '../context.ts';
import { DUMMY_HASH_PROMISE, hashPassword, needsRehash, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './passwords.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  org_id: string | null;
  org_role: OrgRole | null;
  org_name: string | null;
}

export interface Registration {
  email: string;
  password: string;
  name: string;
  role: UserRole;
  org_name?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** Accounts, organizations and memberships. */
export class Accounts {
  private readonly db: Db;
  private readonly audit: AuditLog;
  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.audit = audit;
  }

  /**
   * A recruiter with `org_name` creates that organization and becomes its admin; a recruiter
   * without one joins the organization that invited their email.
   */
  async register(input: Registration, context: AuditContext): Promise<UserView> {
    const email = input.email.trim();
    if (!EMAIL.test(email)) throw new AppError(400, 'invalid_email', 'That is not a valid email address.');
    assertPasswordPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (tx) => {
      if (await this.findByEmail(tx, email)) throw conflict('email_taken', 'An account with this email already exists.');
      const userId = newId();
      await tx.insertInto('users').values({ id: userId, email, name: input.name.trim(), role: input.role, password_hash: passwordHash, external_subject: null }).execute();
      let orgId: string | null = null;
      if (input.role === 'recruiter') orgId = await this.joinOrganization(tx, userId, email, input.org_name);
      else if (input.org_name) throw new AppError(400, 'org_not_allowed', 'Candidates do not belong to an organization.');
      await this.audit.append(tx, { ...context, actorId: userId, actorType: 'user' }, { action: 'user.registered', orgId, subjectUserId: userId, resourceType: 'user', resourceId: userId });
      return this.view(tx, userId);
    });
  }

  /** Same answer, and about the same time, for an unknown email and a wrong password. */
  async login(email: string, password: string): Promise<UserView> {
    const user = await this.findByEmail(this.db, email.trim());
    const valid = await verifyPassword(password.slice(0, PASSWORD_MAX), user?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !user.password_hash || !valid) throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    if (needsRehash(user.password_hash)) {
      await this.db.updateTable('users').set({ password_hash: await hashPassword(password), updated_at: new Date() }).where('id', '=', user.id).execute();
    }
    return this.view(this.db, user.id);
  }

  async get(userId: string): Promise<UserView | null> {
    const exists = await this.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    return exists ? this.view(this.db, userId) : null;
  }

  async getByEmail(email: string): Promise<UserView | null> {
    const user = await this.findByEmail(this.db, email);
    return user ? this.view(this.db, user.id) : null;
  }

  /** The policy's view of a user. */
  async actor(userId: string): Promise<UserActor | null> {
    const row = await this.db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.role', 'memberships.org_id', 'memberships.org_role'])
      .where('users.id', '=', userId)
      .executeTakeFirst();
    return row ? { kind: 'user', userId: row.id, role: row.role, orgId: row.org_id, orgRole: row.org_role } : null;
  }

  /** Adds a recruiter to the organization: links an existing account, or records an invitation for the email. */
  async addMember(ctx: RequestContext, orgId: string, input: { email: string; org_role?: OrgRole }): Promise<{ status: 'added' | 'invited'; user?: UserView; email: string; org_role: OrgRole }> {
    this.assertOrg(ctx, orgId, 'org.members.write');
    const email = input.email.trim();
    if (!EMAIL.test(email)) throw new AppError(400, 'invalid_email', 'That is not a valid email address.');
    const orgRole = input.org_role ?? 'member';
    return this.db.transaction().execute(async (tx) => {
      const user = await this.findByEmail(tx, email);
      if (user) {
        if (user.role !== 'recruiter') throw conflict('not_a_recruiter', 'That account is a candidate account; only recruiters join organizations.');
        const membership = await tx.selectFrom('memberships').select('org_id').where('user_id', '=', user.id).executeTakeFirst();
        if (membership && membership.org_id !== orgId) throw conflict('already_member', 'That recruiter belongs to another organization.');
        if (membership) throw conflict('already_member', 'That recruiter is already a member.');
        await tx.insertInto('memberships').values({ user_id: user.id, org_id: orgId, org_role: orgRole }).execute();
        await this.audit.append(tx, ctx.audit, { action: 'org.member_added', orgId, resourceType: 'user', resourceId: user.id, details: { org_role: orgRole } });
        return { status: 'added' as const, user: await this.view(tx, user.id), email: user.email, org_role: orgRole };
      }
      await tx
        .insertInto('invitations')
        .values({ id: newId(), org_id: orgId, email, org_role: orgRole, invited_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null, accepted_at: null })
        .onConflict((oc) => oc.expression(sql`org_id, lower(email)`).where('accepted_at', 'is', null).doNothing())
        .execute();
      await this.audit.append(tx, ctx.audit, { action: 'org.member_invited', orgId, details: { org_role: orgRole } });
      return { status: 'invited' as const, email, org_role: orgRole };
    });
  }

  async listMembers(ctx: RequestContext, orgId: string): Promise<UserView[]> {
    this.assertOrg(ctx, orgId, 'org.members.read');
    const members = await this.db.selectFrom('memberships').select('user_id').where('org_id', '=', orgId).orderBy('created_at').execute();
    return Promise.all(members.map((m) => this.view(this.db, m.user_id)));
  }

  private assertOrg(ctx: RequestContext, orgId: string, action: 'org.members.read' | 'org.members.write'): void {
    const decision = authorize(ctx.actor, action, { type: 'org_scope', orgId });
    if (!decision.allowed) throw decision.visible ? forbidden('Only organization admins manage members.') : notFound('Organization');
  }

  private async joinOrganization(tx: Tx, userId: string, email: string, orgName: string | undefined): Promise<string> {
    if (orgName?.trim()) {
      const orgId = newId();
      await tx.insertInto('organizations').values({ id: orgId, name: orgName.trim() }).execute();
      await tx.insertInto('memberships').values({ user_id: userId, org_id: orgId, org_role: 'admin' }).execute();
      return orgId;
    }
    const invitation = await tx
      .selectFrom('invitations')
      .selectAll()
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .where('accepted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!invitation) throw new AppError(400, 'org_required', 'A recruiter needs an organization: give org_name, or ask an admin to invite you first.');
    await tx.insertInto('memberships').values({ user_id: userId, org_id: invitation.org_id, org_role: invitation.org_role }).execute();
    await tx.updateTable('invitations').set({ accepted_at: new Date() }).where('id', '=', invitation.id).execute();
    return invitation.org_id;
  }

  private findByEmail(db: Db | Tx, email: string) {
    return db.selectFrom('users').selectAll().where(sql<boolean>`lower(email) = lower(${email})`).executeTakeFirst();
  }

  private async view(db: Db | Tx, userId: string): Promise<UserView> {
    const row = await db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .leftJoin('organizations', 'organizations.id', 'memberships.org_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'memberships.org_id', 'memberships.org_role', 'organizations.name as org_name'])
      .where('users.id', '=', userId)
      .executeTakeFirstOrThrow();
    return { id: row.id, email: row.email, name: row.name, role: row.role, org_id: row.org_id, org_role: row.org_role, org_name: row.org_name };
  }
}

export function assertPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new AppError(400, 'weak_password', `Passwords must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`);
  }
}
