import { createHash, randomBytes } from 'node:crypto';
import type { Db, Executor } from '../../db/database.ts';
import { newId } from '../../domain/ids.ts';
import { AppError } from '../../errors.ts';
import type { AuthSessions } from './sessions.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

interface RefreshTokensDeps {
  db: Db;
  sessions: AuthSessions;
  ttlSeconds: number;
}

/**
 * Opaque refresh tokens (32 random bytes, base64url), stored only as sha256 hashes, rotated on
 * every use. The tokens of one login form a family, which is its session (`AuthSessions`). A token
 * used a second time means it was stolen (or replayed): the session is revoked — every token
 * descended from that login, the legitimate holder's newest one included, and the access tokens
 * issued to it.
 */
export class RefreshTokens {
  private readonly deps: RefreshTokensDeps;
  constructor(deps: RefreshTokensDeps) {
    this.deps = deps;
  }

  /** A new login: its session and first refresh token. */
  async start(userId: string): Promise<{ sessionId: string; token: string }> {
    return this.deps.db.transaction().execute(async (tx) => {
      const sessionId = await this.deps.sessions.start(tx, userId);
      return { sessionId, token: await this.issue(tx, userId, sessionId) };
    });
  }

  /**
   * Consumes a token and returns its user, session and the next token of the session, in one
   * transaction with the row locked, so that two concurrent uses of one token cannot both win.
   */
  async rotate(token: string): Promise<{ userId: string; sessionId: string; token: string }> {
    type Outcome = { kind: 'refused' } | { kind: 'reused'; sessionId: string } | { kind: 'rotated'; userId: string; sessionId: string; token: string };
    const outcome = await this.deps.db.transaction().execute(async (tx): Promise<Outcome> => {
      const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash(token)).forUpdate().executeTakeFirst();
      if (!row || row.revoked_at || row.expires_at < new Date()) return { kind: 'refused' };
      if (row.used_at) {
        await this.revokeSession(tx, row.family_id);
        return { kind: 'reused', sessionId: row.family_id };
      }
      await tx.updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', row.id).execute();
      return { kind: 'rotated', userId: row.user_id, sessionId: row.family_id, token: await this.issue(tx, row.user_id, row.family_id) };
    });
    if (outcome.kind === 'reused') this.deps.sessions.forget(outcome.sessionId);
    if (outcome.kind !== 'rotated') throw new AppError(401, 'invalid_refresh_token', 'The refresh token is invalid, expired or revoked.');
    return { userId: outcome.userId, sessionId: outcome.sessionId, token: outcome.token };
  }

  /** Logout: the session of this token ends. Unknown tokens are ignored (logout is idempotent). */
  async revokeFamily(token: string): Promise<void> {
    const row = await this.deps.db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', hash(token)).executeTakeFirst();
    if (!row) return;
    await this.deps.db.transaction().execute((tx) => this.revokeSession(tx, row.family_id));
    this.deps.sessions.forget(row.family_id);
  }

  private async revokeSession(executor: Executor, sessionId: string): Promise<void> {
    await executor.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', sessionId).where('revoked_at', 'is', null).execute();
    await this.deps.sessions.revoke(executor, sessionId);
  }

  private async issue(executor: Executor, userId: string, sessionId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await executor
      .insertInto('refresh_tokens')
      .values({
        id: newId(),
        user_id: userId,
        family_id: sessionId,
        token_hash: hash(token),
        expires_at: new Date(Date.now() + this.deps.ttlSeconds * 1000),
        used_at: null,
        revoked_at: null,
      })
      .execute();
    return token;
  }
}
