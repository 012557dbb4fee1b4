import { describe, expect, it } from 'vitest';
import { CoalescedReads } from '../../src/db/coalesced-reads.ts';

/** A reader whose statements finish when the test says so, recording the keys of each. */
function controlledReader() {
  const statements: number[][] = [];
  const pending: { answer: () => void; fail: (error: Error) => void }[] = [];
  const read = (keys: number[]) => {
    statements.push([...keys]);
    return new Promise<string[]>((resolve, reject) => pending.push({ answer: () => resolve(keys.map((key) => `value ${key}`)), fail: reject }));
  };
  return { statements, pending, read };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesced reads', () => {
  it('reads a lone key at once, and the keys asked while every slot is busy in one statement, each answered with its own value', async () => {
    const reader = controlledReader();
    const reads = new CoalescedReads<number, string>({ maxInFlight: 1, maxBatch: 64, read: reader.read });
    const first = reads.load(1);
    expect(reader.statements).toEqual([[1]]); // no timer
    const rest = [2, 3, 4].map((key) => reads.load(key));
    expect(reader.statements).toHaveLength(1);
    reader.pending[0]!.answer();
    expect(await first).toBe('value 1');
    await settle();
    expect(reader.statements).toEqual([[1], [2, 3, 4]]);
    reader.pending[1]!.answer();
    expect(await Promise.all(rest)).toEqual(['value 2', 'value 3', 'value 4']);
  });

  it('keeps maxInFlight statements running and caps a statement at maxBatch keys', async () => {
    const reader = controlledReader();
    const reads = new CoalescedReads<number, string>({ maxInFlight: 2, maxBatch: 2, read: reader.read });
    const all = [1, 2, 3, 4, 5].map((key) => reads.load(key));
    expect(reader.statements).toEqual([[1], [2]]);
    reader.pending[0]!.answer();
    await settle();
    expect(reader.statements).toEqual([[1], [2], [3, 4]]);
    reader.pending[1]!.answer();
    await settle();
    expect(reader.statements.at(-1)).toEqual([5]);
    for (const p of reader.pending.slice(2)) p.answer();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5].map((key) => `value ${key}`));
  });

  it('when a statement fails, reads its keys one by one: only the key that fails again is refused', async () => {
    const statements: number[][] = [];
    let blocked = true;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reads = new CoalescedReads<number, string>({
      maxInFlight: 1,
      maxBatch: 64,
      read: async (keys) => {
        statements.push(keys);
        if (blocked) {
          blocked = false;
          await gate;
        }
        if (keys.includes(13)) throw new Error('bad key');
        return keys.map((key) => `value ${key}`);
      },
    });
    const first = reads.load(1);
    const batch = [12, 13, 14].map((key) => reads.load(key).catch((error: Error) => error.message));
    release();
    expect(await first).toBe('value 1');
    expect(await Promise.all(batch)).toEqual(['value 12', 'bad key', 'value 14']);
    expect(statements).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
