import { auditVerify } from './audit-verify.ts';
import { backup } from './backup.ts';
import { doctor } from './doctor.ts';
import { migrate } from './migrate.ts';
import { migrateStorageCommand } from './migrate-storage.ts';
import { quota } from './quota.ts';
import { rescan } from './rescan.ts';
import { restore } from './restore.ts';
import { serve } from './serve.ts';
import type { Command } from './types.ts';
import { userCreate } from './user-create.ts';
import { worker } from './worker.ts';

export const commands: Record<string, Command> = {
  serve,
  worker,
  migrate,
  doctor,
  'audit verify': auditVerify,
  rescan,
  'user create': userCreate,
  backup,
  restore,
  'migrate-storage': migrateStorageCommand,
  quota,
};
