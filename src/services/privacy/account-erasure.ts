import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { LiveAccounts } from '../auth/live-accounts.ts';
import { PASSWORD_MAX, verifyPassword } from '../auth/passwords.ts';
import type { RequestContext } from '../context.ts';
import { eraseFile } from '../files/erasure.ts';
import { dropExportsHolding } from './candidate-erasure.ts';
import { requireCandidate } from './subject.ts';

/** How recent a sign-in at the identity provider must be to erase an account without its password. */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

export interface Reauthentication {
  password?: string;
  /** `iat` (Unix seconds) of the request's token when the identity provider issued it. */
  externalTokenIssuedAt?: number;
}

interface AccountErasureDeps {
  db: Db;
  store: BlobStore;
  audit: AuditLog;
  live: LiveAccounts;
}

/**
 * `DELETE /me`: a candidate erases their account. Every file goes through the one erasure path of
 * files (all versions, quarantined copies, the candidate records parsed from it, the applications
 * that shared it); then, in one transaction, the candidate records made from their applications,
 * the applications themselves, their exports, their refresh tokens, and the account row, which
 * stays as a tombstone without personal data because erased files and audit entries name its id.
 * The audit trail is never rewritten: its entries carry ids, never names, emails or filenames.
 */
export class AccountErasure {
  private readonly deps: AccountErasureDeps;

  constructor(deps: AccountErasureDeps) {
    this.deps = deps;
  }

  async erase(ctx: RequestContext, proof: Reauthentication): Promise<void> {
    const userId = requireCandidate(ctx.actor);
    await this.reauthenticate(ctx, userId, proof);

    const files = await this.deps.db.selectFrom('files').select('id').where('owner_id', '=', userId).where('erased_at', 'is', null).execute();
    for (const file of files) await eraseFile({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, ctx.audit, file.id, 'file.erased');

    // Organizations' subject-request exports that hold the candidate records about to go lose their ZIP too.
    const records = await this.deps.db
      .selectFrom('candidates')
      .select(['id', 'org_id'])
      .where((eb) =>
        eb.or([
          eb('application_id', 'in', eb.selectFrom('applications').select('id').where('candidate_user_id', '=', userId)),
          eb('file_id', 'in', eb.selectFrom('files').select('id').where('owner_id', '=', userId)),
        ]),
      )
      .execute();
    for (const record of records) await dropExportsHolding({ db: this.deps.db, store: this.deps.store, audit: this.deps.audit }, record.org_id, record.id);

    const exportKeys = await this.deps.db.transaction().execute(async (tx) => {
      const user = await tx.selectFrom('users').select('erased_at').where('id', '=', userId).forUpdate().executeTakeFirst();
      if (!user || user.erased_at) return [];
      const now = new Date();
      const applications = tx.selectFrom('applications').select('id').where('candidate_user_id', '=', userId);
      const ownFiles = tx.selectFrom('files').select('id').where('owner_id', '=', userId);
      await tx
        .deleteFrom('candidates')
        .where((eb) => eb.or([eb('application_id', 'in', applications), eb('file_id', 'in', ownFiles)]))
        .execute();
      await tx.deleteFrom('applications').where('candidate_user_id', '=', userId).execute();
      const exports = await tx.deleteFrom('data_exports').where('user_id', '=', userId).returning('storage_key').execute();
      await tx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
      // The address is freed (it may register again) and nothing in the row names the person.
      await tx
        .updateTable('users')
        .set({
          email: sql<string>`'erased-' || id || '@erased.invalid'`,
          name: '',
          password_hash: null,
          external_subject: null,
          erased_at: now,
          updated_at: now,
        })
        .where('id', '=', userId)
        .execute();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'user.erased',
        orgId: null,
        subjectUserId: userId,
        resourceType: 'user',
        resourceId: userId,
        details: { files: files.length },
      });
      return exports.flatMap((row) => (row.storage_key ? [row.storage_key] : []));
    });
    this.deps.live.forget(userId);
    for (const key of exportKeys) await this.deps.store.delete(key);
  }

  /**
   * Erasing cannot be undone, so a stolen access token alone must not be enough: the password
   * again, or a token of the identity provider issued within the last five minutes (a fresh sign-in
   * there: Vitae's own tokens are renewed by refresh and prove no recent sign-in). A refusal changes
   * nothing and is recorded as denied.
   */
  private async reauthenticate(ctx: RequestContext, userId: string, proof: Reauthentication): Promise<void> {
    const user = await this.deps.db.selectFrom('users').select(['password_hash']).where('id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
    if (!user) throw new AppError(401, 'unknown_user', 'The access token’s account no longer exists.');
    let refusal: AppError | null = null;
    if (proof.password !== undefined) {
      const matches = user.password_hash !== null && proof.password.length <= PASSWORD_MAX && (await verifyPassword(proof.password, user.password_hash));
      if (!matches) refusal = new AppError(403, 'invalid_password', 'The password is wrong.');
    } else if (proof.externalTokenIssuedAt === undefined || Date.now() / 1000 - proof.externalTokenIssuedAt > RECENT_SIGN_IN_SECONDS) {
      refusal = new AppError(403, 'reauthentication_required', 'Send your password, or sign in again at your identity provider, to erase your account.');
    }
    if (!refusal) return;
    await this.deps.audit.denied(ctx.audit, {
      action: 'user.erased',
      orgId: null,
      subjectUserId: userId,
      resourceType: 'user',
      resourceId: userId,
      details: { reason: refusal.code },
    });
    throw refusal;
  }
}
