import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { SecretBox } from '../../services/webhooks/secret-box.ts';

/**
 * Each webhook keeps its own signing secret, encrypted under WEBHOOK_SECRETS_KEY
 * (`secret_ciphertext`), instead of one derived from JWT_SECRET and the webhook's id. Webhooks
 * that exist already are given the secret they were created with, so their receivers keep
 * verifying signatures until an admin rotates it. The old derivation is written out here only.
 */
export function webhookSecrets(keys: { jwtSecret: string; webhookSecretsKey: string }): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql`ALTER TABLE webhooks ADD COLUMN secret_ciphertext text`.execute(db);
      const box = new SecretBox(keys.webhookSecretsKey);
      const hooks = await db.selectFrom('webhooks').select('id').execute();
      for (const { id } of hooks as Array<{ id: string }>) {
        const derived = `whsec_${createHmac('sha256', keys.jwtSecret).update(`webhook:${id}`).digest('base64url')}`;
        await db
          .updateTable('webhooks')
          .set({ secret_ciphertext: box.seal(derived, id) })
          .where('id', '=', id)
          .execute();
      }
      await sql`ALTER TABLE webhooks ALTER COLUMN secret_ciphertext SET NOT NULL`.execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await sql`ALTER TABLE webhooks DROP COLUMN secret_ciphertext`.execute(db);
    },
  };
}
