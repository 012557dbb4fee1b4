import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import type { Db } from './database.ts';
import * as initial from './migrations/0001_initial.ts';
import * as hiring from './migrations/0002_hiring.ts';
import * as webhooks from './migrations/0003_webhooks.ts';
import * as auditSingleStatementAppend from './migrations/0004_audit_single_statement_append.ts';
import * as keysetTimestampsInMilliseconds from './migrations/0005_keyset_timestamps_in_milliseconds.ts';
import * as candidateEvidenceAndOcr from './migrations/0006_candidate_evidence_and_ocr.ts';
import { webhookSecrets } from './migrations/0007_webhook_secrets.ts';
import * as invitationTokensAndAuthSessions from './migrations/0008_invitation_tokens_and_auth_sessions.ts';
import * as idempotencyKeys from './migrations/0010_idempotency_keys.ts';
import * as candidateErasure from './migrations/0011_candidate_erasure.ts';
import * as personalData from './migrations/0012_personal_data.ts';
import * as subjectRequests from './migrations/0013_subject_requests.ts';
import * as retention from './migrations/0014_retention.ts';
import * as privacyNotices from './migrations/0015_privacy_notices.ts';
import * as quotasAndSharedCounters from './migrations/0016_quotas_and_shared_counters.ts';
import * as auditBatchAppend from './migrations/0019_audit_batch_append.ts';
import type { Secrets } from '../secrets.ts';

/**
 * Migrations are listed here rather than discovered on disk, so that a migration cannot be
 * skipped by a packaging mistake and the order is explicit. Append only. A migration that moves
 * data under a key is given the secrets.
 */
export const migrations = (secrets: Secrets): Record<string, Migration> => ({
  '0001_initial': initial,
  '0002_hiring': hiring,
  '0003_webhooks': webhooks,
  '0004_audit_single_statement_append': auditSingleStatementAppend,
  '0005_keyset_timestamps_in_milliseconds': keysetTimestampsInMilliseconds,
  '0006_candidate_evidence_and_ocr': candidateEvidenceAndOcr,
  '0007_webhook_secrets': webhookSecrets(secrets),
  '0008_invitation_tokens_and_auth_sessions': invitationTokensAndAuthSessions,
  '0010_idempotency_keys': idempotencyKeys,
  '0011_candidate_erasure': candidateErasure,
  '0012_personal_data': personalData,
  '0013_subject_requests': subjectRequests,
  '0014_retention': retention,
  '0015_privacy_notices': privacyNotices,
  '0016_quotas_and_shared_counters': quotasAndSharedCounters,
  '0019_audit_batch_append': auditBatchAppend,
});

/** The tables where the migrator records what it applied: a restore recreates them by migrating, not by copying. */
export const MIGRATION_TABLES = ['vitae_migrations', 'vitae_migrations_lock'] as const;

/** The names only: no migration runs, so no secret is needed. */
export const migrationNames = (): string[] => Object.keys(migrations({ jwtSecret: '', urlSigningSecret: '', webhookSecretsKey: '' }));

export function migrator(db: Db, secrets: Secrets): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations(secrets) },
    migrationTableName: MIGRATION_TABLES[0],
    migrationLockTableName: MIGRATION_TABLES[1],
  });
}

export async function migrateToLatest(db: Db, secrets: Secrets): Promise<MigrationResultSet> {
  const result = await migrator(db, secrets).migrateToLatest();
  if (result.error) throw failure(result.error);
  return result;
}

/** Up to and including `name` (a restore recreates the schema of the backup's level, then loads its rows). */
export async function migrateTo(db: Db, secrets: Secrets, name: string): Promise<MigrationResultSet> {
  if (!migrationNames().includes(name)) throw new Error(`Unknown migration ${name}`);
  const result = await migrator(db, secrets).migrateTo(name);
  if (result.error) throw failure(result.error);
  return result;
}

/** Kysely reports what a failed migration threw as `unknown`. */
function failure(error: unknown): Error {
  return error instanceof Error ? error : new Error('A migration failed', { cause: error });
}
