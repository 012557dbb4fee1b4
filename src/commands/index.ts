import type { Command } from './types.ts';

/**
 * Each command is imported when it runs, with what it alone needs: `vitae serve` never loads the
 * backup, restore or storage-migration code, nor a worker's.
 */
export const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serve,
  worker: async () => (await import('./worker.ts')).worker,
  migrate: async () => (await import('./migrate.ts')).migrate,
  doctor: async () => (await import('./doctor.ts')).doctor,
  'audit verify': async () => (await import('./audit-verify.ts')).auditVerify,
  rescan: async () => (await import('./rescan.ts')).rescan,
  'user create': async () => (await import('./user-create.ts')).userCreate,
  backup: async () => (await import('./backup.ts')).backup,
  restore: async () => (await import('./restore.ts')).restore,
  'migrate-storage': async () => (await import('./migrate-storage.ts')).migrateStorageCommand,
  quota: async () => (await import('./quota.ts')).quota,
};
