import type { Db } from '../../db/database.ts';
import { SYSTEM_CONTEXT, type AuditLog } from './audit-log.ts';

const DAY_MS = 24 * 3600 * 1000;

interface AuditRetentionDeps {
  db: Db;
  audit: AuditLog;
  days: number | null;
}

/**
 * The scheduled purge that AUDIT_RETENTION_DAYS promises: entries older than that go from the
 * start of every chain (`AuditLog.purgeOlderThan` keeps each chain verifiable from where it now
 * starts), and the purge itself is recorded on the system chain. Without the setting the trail is
 * kept forever and the job does nothing.
 */
export class AuditRetention {
  private readonly deps: AuditRetentionDeps;

  constructor(deps: AuditRetentionDeps) {
    this.deps = deps;
  }

  /** `now` is injected by tests to run the purge as if it were later. Returns the entries removed, or null when retention is off. */
  async run(now = new Date()): Promise<number | null> {
    if (this.deps.days === null) return null;
    const cutoff = new Date(now.getTime() - this.deps.days * DAY_MS);
    const removed = await this.deps.audit.purgeOlderThan(cutoff);
    if (removed > 0) {
      await this.deps.audit.append(this.deps.db, SYSTEM_CONTEXT, {
        action: 'audit.purged',
        orgId: null,
        details: { removed, before: cutoff.toISOString() },
      });
    }
    return removed;
  }
}
