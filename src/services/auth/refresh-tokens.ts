import { createHash, randomBytes } from 'node:crypto';
import type { Db, Executor } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';
import { AppError } from '../../errors.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque refresh tokens (32 random bytes, base64url), stored only as sha256 hashes, rotated on
 * every use. A token used a second time means it was stolen (or replayed): the whole family —
 * every token descended from that login — is revoked, the legitimate holder's newest one included.
 */
export class RefreshTokens {
  private readonly db: Db;
  private readonly ttlSeconds: number;
  constructor(db: Db, ttlSeconds: number) {
    this.db = db;
    this.ttlSeconds = ttlSeconds;
  }

  /** A new token; a new family (a new login) unless `familyId` continues one. */
  async issue(userId: string, familyId: string = newId(), db: Executor = this.db): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await db
      .insertInto('refresh_tokens')
      .values({ id: newId(), user_id: userId, family_id: familyId, token_hash: hash(token), expires_at: new Date(Date.now() + this.ttlSeconds * 1000), used_at: null, revoked_at: null })
      .execute();
    return token;
  }

  /**
   * Consumes a token and returns its user and the next token of the same family, in one
   * transaction with the row locked, so that two concurrent uses of one token cannot both win.
   */
  async rotate(token: string): Promise<{ userId: string; token: string }> {
    const result = await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash(token)).forUpdate().executeTakeFirst();
      if (!row || row.revoked_at || row.expires_at < new Date()) return null;
      if (row.used_at) {
        await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
        return null;
      }
      await tx.updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', row.id).execute();
      return { userId: row.user_id, token: await this.issue(row.user_id, row.family_id, tx) };
    });
    if (!result) throw new AppError(401, 'invalid_refresh_token', 'The refresh token is invalid, expired or revoked.');
    return result;
  }

  /** Logout: the family of this token ends. Unknown tokens are ignored (logout is idempotent). */
  async revokeFamily(token: string): Promise<void> {
    const row = await this.db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', hash(token)).executeTakeFirst();
    if (row) await this.db.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
  }
}
