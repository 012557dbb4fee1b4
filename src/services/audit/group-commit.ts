/**
 * Group commit for the audit appends that are a statement of their own (signing a URL, reading
 * metadata): the entries that arrive while a lane's statement is in flight wait for the next free
 * lane of their chain group and are written together, by one statement and one commit.
 *
 * Nothing waits on a timer: with one request at a time each entry is written at once, as before;
 * under load a lane is busy for one commit and the entries queued meanwhile leave as one batch.
 * A request still gets its answer only after the statement holding its entry has committed.
 */
export interface LaneBatch<T> {
  /** The lane (0 … lanes-1) the batch is written to; the group's other batches are on other lanes. */
  lane: number;
  items: T[];
}

export class GroupCommitter<T> {
  private readonly groups = new Map<string, Group<T>>();
  private readonly lanes: number;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly write: (group: string, batch: LaneBatch<T>) => Promise<void>;

  /**
   * `write` commits a batch of one group to one lane, or throws; a batch that fails is written
   * again item by item, so that one request's failure (a constraint its own change breaks) is
   * its alone. `maxInFlight` (at most `lanes`, all of them by default): how many of a group's
   * batches may be in flight at once; the others wait and leave together.
   */
  constructor(options: { lanes: number; maxInFlight?: number; maxBatch: number; write: (group: string, batch: LaneBatch<T>) => Promise<void> }) {
    this.lanes = options.lanes;
    this.maxInFlight = Math.min(options.maxInFlight ?? options.lanes, options.lanes);
    this.maxBatch = options.maxBatch;
    this.write = options.write;
  }

  /** Resolves once `item` is committed. */
  submit(group: string, item: T): Promise<void> {
    let state = this.groups.get(group);
    if (!state) {
      state = { queue: [], busy: new Array<boolean>(this.lanes).fill(false), inFlight: 0 };
      this.groups.set(group, state);
    }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    state.queue.push({ item, resolve, reject });
    this.drain(group, state);
    return promise;
  }

  private drain(group: string, state: Group<T>): void {
    while (state.queue.length > 0 && state.inFlight < this.maxInFlight) {
      const lane = freeLane(state.busy);
      const waiting = state.queue.splice(0, this.maxBatch);
      state.busy[lane] = true;
      state.inFlight += 1;
      void this.run(group, lane, waiting).finally(() => {
        state.busy[lane] = false;
        state.inFlight -= 1;
        if (state.queue.length > 0) this.drain(group, state);
        else if (state.inFlight === 0) this.groups.delete(group);
      });
    }
  }

  private async run(group: string, lane: number, waiting: Waiting<T>[]): Promise<void> {
    try {
      await this.write(group, { lane, items: waiting.map((w) => w.item) });
      for (const w of waiting) w.resolve();
      return;
    } catch (error) {
      if (waiting.length === 1) {
        waiting[0]!.reject(error);
        return;
      }
    }
    for (const w of waiting) {
      await this.write(group, { lane, items: [w.item] }).then(w.resolve, w.reject);
    }
  }
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Group<T> {
  queue: Waiting<T>[];
  busy: boolean[];
  inFlight: number;
}

/** A random lane among the free ones, so that separate processes writing the same group spread too. */
function freeLane(busy: boolean[]): number {
  const free: number[] = [];
  for (let lane = 0; lane < busy.length; lane += 1) if (!busy[lane]) free.push(lane);
  return free[Math.floor(Math.random() * free.length)]!;
}
