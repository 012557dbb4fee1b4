import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { OrgRole, UserRole } from '../../db/schema.ts';
import { canonicalEmail, checkEmail } from '../../domain/email.ts';
import { newId } from '../../domain/ids.ts';
import type { UserActor } from '../../domain/policy.ts';
import { alreadyAudited, AppError, conflict } from '../../errors.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditLog } from '../audit/audit-log.ts';
import type { DeniedAttempts } from '../audit/denied-attempts.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';
import type { InvitationView, Invitations } from './invitations.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { DUMMY_HASH_PROMISE, hashPassword, needsRehash, PASSWORD_MAX, verifyPassword } from './passwords.ts';
import { keysetPage } from '../../db/keyset.ts';

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
  /** Recruiters only: the token of an invitation to the organization to join. */
  invitation_token?: string;
}

export interface MemberAdded {
  status: 'added' | 'invited';
  email: string;
  org_role: OrgRole;
  user?: UserView;
  /** `invited` only: the invitation, and its token (shown this once) for the admin to send. */
  invitation?: InvitationView;
  invitation_token?: string;
  invitation_url?: string;
}

interface AccountsDeps {
  db: Db;
  audit: AuditLog;
  deniedAttempts: DeniedAttempts;
  invitations: Invitations;
}

/** Accounts, organizations and memberships. */
export class Accounts {
  private readonly deps: AccountsDeps;
  constructor(deps: AccountsDeps) {
    this.deps = deps;
  }

  /**
   * A recruiter with `org_name` creates that organization and becomes its admin; a recruiter with
   * `invitation_token` joins the organization that issued it (the token must have been issued to
   * this email). Without either, 400 `org_required`: an invited address alone joins nothing.
   */
  async register(input: Registration, context: AuditContext): Promise<UserView> {
    const email = validEmail(input.email);
    const name = validName(input.name);
    await assertPasswordPolicy(input.password, email);
    const token = input.invitation_token?.trim() || undefined;
    if (input.role === 'candidate' && (input.org_name !== undefined || token !== undefined))
      throw new AppError(400, 'org_not_allowed', 'Candidates do not belong to an organization.');
    const orgName = input.org_name?.trim() || undefined;
    if (orgName && token) throw new AppError(400, 'org_conflict', 'Give either org_name (a new organization) or invitation_token (joining one), not both.');
    if (input.role === 'recruiter' && !orgName && !token) {
      throw new AppError(
        400,
        'org_required',
        'A recruiter needs an organization: give org_name, or the invitation_token an admin of the organization sent you.',
      );
    }
    const passwordHash = await hashPassword(input.password);
    return this.inTransaction(async (tx) => {
      const userId = await this.insertUser(tx, { email, name, role: input.role, passwordHash });
      let orgId: string | null = null;
      let invitationId: string | undefined;
      if (orgName) orgId = await this.createOrganization(tx, userId, orgName);
      else if (token) {
        const invitation = await this.deps.invitations.claim(tx, token, email, userId);
        await tx.insertInto('memberships').values({ user_id: userId, org_id: invitation.orgId, org_role: invitation.orgRole }).execute();
        orgId = invitation.orgId;
        invitationId = invitation.id;
      }
      const details = invitationId ? { invitation_id: invitationId } : null;
      await this.deps.audit.append(
        tx,
        { ...context, actorId: userId, actorType: 'user' },
        { action: 'user.registered', orgId, subjectUserId: userId, resourceType: 'user', resourceId: userId, details },
      );
      return this.view(tx, userId);
    });
  }

  /**
   * The first-run bootstrap (`vitae user create`): any role, and an organization found by name or
   * created, joined as admin or member. Recorded in the audit trail as done by the system.
   */
  async createUser(input: { email: string; name: string; role: UserRole; password: string; orgName?: string; admin: boolean }): Promise<UserView> {
    const email = validEmail(input.email);
    const name = validName(input.name);
    await assertPasswordPolicy(input.password, email);
    if (input.role === 'recruiter' && !input.orgName?.trim()) throw new AppError(400, 'org_required', 'A recruiter needs an organization.');
    const passwordHash = await hashPassword(input.password);
    return this.inTransaction(async (tx) => {
      const userId = await this.insertUser(tx, { email, name, role: input.role, passwordHash });
      let orgId: string | null = null;
      if (input.role === 'recruiter' && input.orgName) {
        const orgName = input.orgName.trim();
        const existing = await tx.selectFrom('organizations').select('id').where('name', '=', orgName).orderBy('created_at').executeTakeFirst();
        orgId = existing?.id ?? newId();
        if (!existing) await tx.insertInto('organizations').values({ id: orgId, name: orgName }).execute();
        await tx
          .insertInto('memberships')
          .values({ user_id: userId, org_id: orgId, org_role: input.admin ? 'admin' : 'member' })
          .execute();
      }
      await this.deps.audit.append(tx, SYSTEM_CONTEXT, {
        action: 'user.created',
        orgId,
        subjectUserId: userId,
        resourceType: 'user',
        resourceId: userId,
        details: { role: input.role, admin: input.admin },
      });
      return this.view(tx, userId);
    });
  }

  /**
   * Same answer, and about the same time, for an unknown email and a wrong password. Both outcomes
   * are audited: a success in the account's trail, a failure (subject to the denied-attempt
   * budget) in the account's trail when the email names one, else in the system chain. Neither the
   * password nor the email typed is recorded.
   */
  async login(email: string, password: string, context: AuditContext): Promise<UserView> {
    // The membership comes with the user, so that a failure costs no extra query for a known email.
    const user = await this.deps.db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.password_hash', 'memberships.org_id'])
      .where(sql<boolean>`lower(users.email) = lower(${canonicalEmail(email)})`)
      .executeTakeFirst();
    // Always one scrypt run (against a dummy hash for an unknown email or an account without a password).
    const matches = await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!user?.password_hash || !matches || password.length > PASSWORD_MAX) {
      const reason = !user ? 'unknown_account' : !user.password_hash ? 'no_password' : 'wrong_password';
      const account = user ? { orgId: user.org_id, subjectUserId: user.id, resourceType: 'user', resourceId: user.id } : { orgId: null };
      await this.deps.deniedAttempts.record(context, { action: 'user.login_failed', ...account, details: { reason } });
      throw alreadyAudited(new AppError(401, 'invalid_credentials', 'Wrong email or password.'));
    }
    if (needsRehash(user.password_hash)) {
      await this.deps.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(password), updated_at: new Date() })
        .where('id', '=', user.id)
        .execute();
    }
    const view = await this.view(this.deps.db, user.id);
    await this.deps.audit.append(
      this.deps.db,
      { ...context, actorId: user.id, actorType: 'user' },
      { action: 'user.logged_in', orgId: view.org_id, subjectUserId: user.id, resourceType: 'user', resourceId: user.id },
    );
    return view;
  }

  async get(userId: string): Promise<UserView | null> {
    const exists = await this.deps.db.selectFrom('users').select('id').where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
    return exists ? this.view(this.deps.db, userId) : null;
  }

  /**
   * The user behind an external identity provider's token. The provider's subject is bound to the
   * account the first time its email (the configured claim) matches; from then on the subject
   * decides, so an address later reassigned at the provider cannot take the account over. Users
   * are never created here: an identity without an account gets null.
   */
  async externalActor(subject: string, identity: string): Promise<UserActor | null> {
    const bound = await this.actorWhere(this.deps.db, 'users.external_subject', subject);
    if (bound) return bound;
    const user = await this.findByEmail(this.deps.db, canonicalEmail(identity));
    if (!user || user.external_subject !== null) return null;
    const claimed = await this.deps.db
      .updateTable('users')
      .set({ external_subject: subject, updated_at: new Date() })
      .where('id', '=', user.id)
      .where('external_subject', 'is', null)
      .executeTakeFirst();
    return claimed.numUpdatedRows === 1n ? this.actorWhere(this.deps.db, 'users.id', user.id) : null;
  }

  /** Adds a recruiter to the organization: links an existing account, or issues an invitation token for the email. */
  async addMember(ctx: RequestContext, orgId: string, input: { email: string; org_role?: OrgRole }): Promise<MemberAdded> {
    authorizeOrThrow(ctx.actor, 'org.members.write', { type: 'org_scope', orgId }, 'Organization');
    const email = validEmail(input.email);
    const orgRole = input.org_role ?? 'member';
    return this.inTransaction(async (tx) => {
      const user = await this.findByEmail(tx, email);
      if (user) {
        if (user.role !== 'recruiter') throw conflict('not_a_recruiter', 'That account is a candidate account; only recruiters join organizations.');
        const membership = await tx.selectFrom('memberships').select('org_id').where('user_id', '=', user.id).executeTakeFirst();
        if (membership)
          throw conflict(
            'already_member',
            membership.org_id === orgId ? 'That recruiter is already a member.' : 'That recruiter belongs to another organization.',
          );
        await tx.insertInto('memberships').values({ user_id: user.id, org_id: orgId, org_role: orgRole }).execute();
        await this.deps.audit.append(tx, ctx.audit, {
          action: 'org.member_added',
          orgId,
          resourceType: 'user',
          resourceId: user.id,
          details: { org_role: orgRole },
        });
        return { status: 'added' as const, user: await this.view(tx, user.id), email: user.email, org_role: orgRole };
      }
      const issued = await this.deps.invitations.create(tx, ctx.audit, {
        orgId,
        email,
        orgRole,
        invitedBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      });
      return {
        status: 'invited' as const,
        email,
        org_role: orgRole,
        invitation: issued.invitation,
        invitation_token: issued.token,
        invitation_url: issued.url,
      };
    });
  }

  /** Members, newest first, with cursor pagination. */
  async listMembers(ctx: RequestContext, orgId: string, page: { limit: number; cursor?: string }): Promise<{ items: UserView[]; next_cursor: string | null }> {
    authorizeOrThrow(ctx.actor, 'org.members.read', { type: 'org_scope', orgId }, 'Organization');
    const query = this.deps.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
      .select([
        'users.id',
        'users.email',
        'users.name',
        'users.role',
        'memberships.org_id',
        'memberships.org_role',
        'organizations.name as org_name',
        'memberships.created_at as joined_at',
      ])
      .where('memberships.org_id', '=', orgId);
    const { items, next_cursor } = await keysetPage(query, { at: 'memberships.created_at', id: 'memberships.user_id' }, page);
    return { items: items.map(toView), next_cursor };
  }

  private async insertUser(tx: Tx, user: { email: string; name: string; role: UserRole; passwordHash: string }): Promise<string> {
    if (await this.findByEmail(tx, user.email)) throw emailTaken();
    const id = newId();
    await tx
      .insertInto('users')
      .values({ id, email: user.email, name: user.name, role: user.role, password_hash: user.passwordHash, external_subject: null })
      .execute();
    return id;
  }

  private async createOrganization(tx: Tx, userId: string, name: string): Promise<string> {
    const orgId = newId();
    await tx.insertInto('organizations').values({ id: orgId, name }).execute();
    await tx.insertInto('memberships').values({ user_id: userId, org_id: orgId, org_role: 'admin' }).execute();
    return orgId;
  }

  /** Two requests racing past the existence checks meet the unique indexes: a 409, not a 500. */
  private async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.deps.db.transaction().execute(work);
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'users_email_lower') throw emailTaken();
      if (constraint === 'memberships_pkey') throw conflict('already_member', 'That recruiter already belongs to an organization.');
      throw error;
    }
  }

  private findByEmail(db: Executor, email: string) {
    return db
      .selectFrom('users')
      .selectAll()
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .executeTakeFirst();
  }

  private async actorWhere(db: Executor, column: 'users.id' | 'users.external_subject', value: string): Promise<UserActor | null> {
    const row = await this.viewQuery(db).where(column, '=', value).executeTakeFirst();
    return row ? { kind: 'user', userId: row.id, role: row.role, orgId: row.org_id, orgRole: row.org_role } : null;
  }

  private viewQuery(db: Executor) {
    return db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'memberships.org_id', 'memberships.org_role']);
  }

  private async view(db: Executor, userId: string): Promise<UserView> {
    const row = await this.viewQuery(db)
      .leftJoin('organizations', 'organizations.id', 'memberships.org_id')
      .select('organizations.name as org_name')
      .where('users.id', '=', userId)
      .executeTakeFirstOrThrow();
    return toView(row);
  }
}

/** Stored normalized (see `checkEmail`); compared case-insensitively everywhere. */
function validEmail(raw: string): string {
  const checked = checkEmail(raw);
  if (checked.ok) return checked.email;
  throw new AppError(
    400,
    'invalid_email',
    checked.reason === 'invisible_characters' ? 'The email address contains invisible or control characters.' : 'That is not a valid email address.',
  );
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new AppError(400, 'invalid_name', 'The name must not be empty.');
  return name;
}

const emailTaken = () => conflict('email_taken', 'An account with this email already exists.');

function uniqueViolation(error: unknown): string | null {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : null;
}

function toView(row: {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  org_id: string | null;
  org_role: OrgRole | null;
  org_name: string | null;
}): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, org_id: row.org_id, org_role: row.org_role, org_name: row.org_name };
}
