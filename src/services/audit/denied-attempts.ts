import { LRUCache } from 'lru-cache';
import { upTo } from '../cache-bound.ts';
import { Counter } from 'prom-client';
import type { AuditContext, AuditEntry, AuditLog } from './audit-log.ts';

export interface DeniedAttemptLimits {
  /** Entries written per client address per window. */
  perAddress: number;
  /** Entries written per window over all addresses: a bound for attackers with many addresses. */
  total: number;
  windowSeconds: number;
}

/** Counted on /metrics (each app's registry registers it): denied attempts past the audit budget. */
export const unrecordedDenials = new Counter({
  name: 'vitae_audit_denied_unrecorded_total',
  help: 'Denied attempts (failed logins, 401, 403) not written to the audit trail because their address or the process was over its budget',
  registers: [],
});

interface AddressBudget {
  windowStart: number;
  written: number;
  /** Attempts not written since this address's last entry; the next entry carries the number. */
  unrecorded: number;
}

/** Addresses remembered at once; the least recently seen is forgotten first. */
const TRACKED_ADDRESSES = 10_000;

/**
 * Audit entries for refused attempts (failed logins, bad credentials, forbidden actions), with a
 * write budget. A refusal costs an attacker almost nothing (one request with a made-up token), but
 * each entry is a row and a lock on a chain head, so recording all of them would let a flood of
 * junk grow the trail without bound and slow the writers of the same lane. The first entries of
 * each client address in a window are written; past `perAddress` (or `total` for the process)
 * attempts are only counted, and the next entry written for that address says how many were left
 * out (`details.unrecorded_before`), so the trail shows the flood without storing each request.
 * The counters live in the process's memory, like the login rate limits.
 */
export class DeniedAttempts {
  private readonly audit: AuditLog;
  private readonly limits: DeniedAttemptLimits;
  private readonly now: () => number;
  private readonly addresses = new LRUCache<string, AddressBudget>(upTo(TRACKED_ADDRESSES));
  private process = { windowStart: 0, written: 0 };

  constructor(audit: AuditLog, limits: DeniedAttemptLimits, now: () => number = Date.now) {
    this.audit = audit;
    this.limits = limits;
    this.now = now;
  }

  /** Appends the entry (outcome `denied`) unless over budget; true when it was written. */
  async record(context: AuditContext, entry: Omit<AuditEntry, 'outcome'>): Promise<boolean> {
    const budget = this.take(context.ip ?? 'unknown');
    if (!budget) {
      unrecordedDenials.inc();
      return false;
    }
    const unrecorded = budget.unrecorded;
    budget.unrecorded = 0;
    await this.audit.denied(context, unrecorded > 0 ? { ...entry, details: { ...entry.details, unrecorded_before: unrecorded } } : entry);
    return true;
  }

  /** The address's budget with one entry taken from it, or null (and the attempt counted) when spent. */
  private take(address: string): AddressBudget | null {
    const now = this.now();
    const window = this.limits.windowSeconds * 1000;
    if (now - this.process.windowStart >= window) this.process = { windowStart: now, written: 0 };
    let budget = this.addresses.get(address);
    if (!budget) {
      budget = { windowStart: now, written: 0, unrecorded: 0 };
      this.addresses.set(address, budget);
    } else if (now - budget.windowStart >= window) {
      budget.windowStart = now;
      budget.written = 0;
    }
    if (budget.written >= this.limits.perAddress || this.process.written >= this.limits.total) {
      budget.unrecorded += 1;
      return null;
    }
    budget.written += 1;
    this.process.written += 1;
    return budget;
  }
}
