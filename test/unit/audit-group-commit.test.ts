import { describe, expect, it } from 'vitest';
import { GroupCommitter, type LaneBatch } from '../../src/services/audit/group-commit.ts';

/** A writer whose commits finish when the test says so, recording every batch it was given. */
function controlledWriter() {
  const batches: { group: string; batch: LaneBatch<string> }[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void; items: string[] }[] = [];
  const write = (group: string, batch: LaneBatch<string>) => {
    batches.push({ group, batch: { lane: batch.lane, items: [...batch.items] } });
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject, items: batch.items }));
  };
  return { batches, pending, write };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit of audit entries', () => {
  it('writes a lone entry at once, and gathers the entries that arrive while every lane is busy into one batch', async () => {
    const writer = controlledWriter();
    const committer = new GroupCommitter<string>({ lanes: 2, maxBatch: 64, write: writer.write });
    const done: string[] = [];
    const submit = (item: string) => committer.submit('org:a', item).then(() => done.push(item));

    const first = submit('a1');
    expect(writer.batches.map((b) => b.batch.items)).toEqual([['a1']]); // no timer: written synchronously
    const second = submit('a2');
    expect(writer.batches.map((b) => b.batch.items)).toEqual([['a1'], ['a2']]);
    expect(new Set(writer.batches.map((b) => b.batch.lane))).toEqual(new Set([0, 1])); // two lanes in flight
    const rest = ['a3', 'a4', 'a5'].map(submit);
    expect(writer.batches).toHaveLength(2); // both lanes busy: the three wait

    writer.pending[0]!.resolve();
    await first;
    await settle();
    expect(done).toEqual(['a1']); // answered only once its own batch committed
    expect(writer.batches[2]!.batch.items).toEqual(['a3', 'a4', 'a5']);
    expect(writer.batches[2]!.batch.lane).toBe(writer.batches[0]!.batch.lane); // the lane that came free
    writer.pending[2]!.resolve();
    await Promise.all(rest);
    expect(done).toEqual(['a1', 'a3', 'a4', 'a5']); // a2's commit is still pending
    writer.pending[1]!.resolve();
    await second;
  });

  it('keeps the groups apart: another organization does not wait for a busy one', async () => {
    const writer = controlledWriter();
    const committer = new GroupCommitter<string>({ lanes: 1, maxBatch: 64, write: writer.write });
    void committer.submit('org:a', 'a1');
    void committer.submit('org:a', 'a2');
    void committer.submit('org:b', 'b1');
    expect(writer.batches.map((b) => [b.group, b.batch.items])).toEqual([
      ['org:a', ['a1']],
      ['org:b', ['b1']],
    ]);
    for (const p of writer.pending) p.resolve();
    await settle();
    expect(writer.batches.at(-1)).toEqual({ group: 'org:a', batch: { lane: 0, items: ['a2'] } });
    writer.pending.at(-1)!.resolve();
  });

  it('keeps at most maxInFlight batches of a group in flight, on lanes drawn from all of them', async () => {
    const writer = controlledWriter();
    const committer = new GroupCommitter<string>({ lanes: 8, maxInFlight: 2, maxBatch: 64, write: writer.write });
    const all = ['m1', 'm2', 'm3', 'm4', 'm5'].map((item) => committer.submit('org:a', item));
    expect(writer.batches.map((b) => b.batch.items)).toEqual([['m1'], ['m2']]); // the other three wait, though six lanes are free
    void committer.submit('org:b', 'b1');
    expect(writer.batches.at(-1)).toMatchObject({ group: 'org:b' }); // the cap is per group
    writer.pending[0]!.resolve();
    await settle();
    expect(writer.batches.at(-1)!.batch.items).toEqual(['m3', 'm4', 'm5']);
    for (const p of writer.pending) p.resolve();
    await Promise.all(all);
    expect(writer.batches.every((b) => b.batch.lane >= 0 && b.batch.lane < 8)).toBe(true);
  });

  it('caps a batch at maxBatch entries', async () => {
    const writer = controlledWriter();
    const committer = new GroupCommitter<string>({ lanes: 1, maxBatch: 2, write: writer.write });
    const all = ['x1', 'x2', 'x3', 'x4'].map((item) => committer.submit('g', item));
    for (let i = 0; i < 3; i += 1) {
      writer.pending[i]!.resolve();
      await settle();
    }
    expect(writer.batches.map((b) => b.batch.items)).toEqual([['x1'], ['x2', 'x3'], ['x4']]);
    await Promise.all(all);
  });

  it('when a batch fails, writes its entries one by one: only the entry that fails again is refused', async () => {
    const written: string[][] = [];
    let calls = 0;
    const committer = new GroupCommitter<string>({
      lanes: 1,
      maxBatch: 64,
      write: async (_group, batch) => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 10)); // the lane is busy while the others queue
        written.push([...batch.items]);
        if (batch.items.includes('bad')) throw new Error('violates a constraint');
      },
    });
    const results = await Promise.allSettled(['first', 'ok1', 'bad', 'ok2'].map((item) => committer.submit('g', item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual([['first'], ['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
  });
});
