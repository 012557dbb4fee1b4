import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';
import { AppError } from '../../errors.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque refresh tokens, stored only as hashes, rotated on every use. A token used a second time
 * means it was stolen (or replayed): the whole family — every token descended from that login —
 * is revoked, the legitimate holder's newest one included.
 */
export class RefreshTokens {
  private readonly db: Db;
  private readonly ttlSeconds: number;
  constructor(db: Db, ttlSeconds: number) {
    this.db = db;
    this.ttlSeconds = ttlSeconds;
  }

  async issue(userId: string, familyId: string = newId()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('refresh_tokens')
      .values({ id: newId(), user_id: userId, family_id: familyId, token_hash: hash(token), expires_at: new Date(Date.now() + this.ttlSeconds * 1000), used_at: null, revoked_at: null })
      .execute();
    return token;
  }

  /** Consumes a token and returns its user and a new token of the same family. */
  async rotate(token: string): Promise<{ userId: string; token: string }> {
    const invalid = new AppError(401, 'invalid_refresh_token', 'The refresh token is invalid, expired or revoked.');
    const result = await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash(token)).forUpdate().executeTakeFirst();
      if (!row || row.revoked_at || row.expires_at < new Date()) return null;
      if (row.used_at) {
        await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
        return 'reused' as const;
      }
      await tx.updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', row.id).execute();
      return row;
    });
    if (result === null || result === 'reused') throw invalid;
    return { userId: result.user_id, token: await this.issue(result.user_id, result.family_id) };
  }

  /** Logout: the family of this token ends. Unknown tokens are ignored (logout is idempotent). */
  async revokeFamily(token: string): Promise<void> {
    const row = await this.db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', hash(token)).executeTakeFirst();
    if (row) await this.db.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
  }
}
