import { describe, expect, it } from 'vitest';
import type { AuditContext, AuditEntry, AuditLog } from '../../src/services/audit/audit-log.ts';
import { DeniedAttempts } from '../../src/services/audit/denied-attempts.ts';

/** An AuditLog that keeps what it is asked to write. */
function recorder() {
  const written: Array<{ ip: string | null; entry: Omit<AuditEntry, 'outcome'> }> = [];
  const audit = {
    denied: async (context: AuditContext, entry: Omit<AuditEntry, 'outcome'>) => void written.push({ ip: context.ip, entry }),
  } as unknown as AuditLog;
  return { audit, written };
}
const from = (ip: string): AuditContext => ({ actorId: null, actorType: 'anonymous', ip, userAgent: null, requestId: 'r' });
const entry = { action: 'request.unauthenticated', orgId: null, details: { code: 'invalid_token' } };

describe('denied-attempt budget', () => {
  it('writes the first entries of an address per window, counts the rest, and reports them with its next entry', async () => {
    let now = 0;
    const { audit, written } = recorder();
    const denials = new DeniedAttempts(audit, { perAddress: 2, total: 100, windowSeconds: 60 }, () => now);
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await denials.record(from('192.0.2.1'), entry));
    expect(results).toEqual([true, true, false, false, false]);
    expect(written).toHaveLength(2);
    expect(await denials.record(from('192.0.2.2'), entry)).toBe(true);

    now = 60_000;
    expect(await denials.record(from('192.0.2.1'), entry)).toBe(true);
    expect(written.at(-1)).toEqual({ ip: '192.0.2.1', entry: { ...entry, details: { code: 'invalid_token', unrecorded_before: 3 } } });
    expect(await denials.record(from('192.0.2.1'), entry)).toBe(true);
    expect(written.at(-1)!.entry.details).toEqual({ code: 'invalid_token' });
  });

  it('caps the whole process, for floods spread over many addresses', async () => {
    let now = 0;
    const { audit, written } = recorder();
    const denials = new DeniedAttempts(audit, { perAddress: 5, total: 3, windowSeconds: 60 }, () => now);
    for (let i = 0; i < 10; i += 1) await denials.record(from(`198.51.100.${i}`), entry);
    expect(written.map((w) => w.ip)).toEqual(['198.51.100.0', '198.51.100.1', '198.51.100.2']);
    now = 60_000;
    expect(await denials.record(from('198.51.100.9'), entry)).toBe(true);
    expect(written.at(-1)!.entry.details).toEqual({ code: 'invalid_token', unrecorded_before: 1 });
  });
});
