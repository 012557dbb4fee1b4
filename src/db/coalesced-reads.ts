/**
 * Concurrent lookups of one kind answered by shared statements: while `maxInFlight` statements
 * are running, new lookups wait, and the next free slot takes all of them (up to `maxBatch`) in
 * one statement. A statement costs a round trip, a parse and a plan whatever it returns, which on
 * a hot path (serving a file: one lookup by id per request) is most of a request's database time.
 *
 * There is no timer: a lone lookup runs at once. Every lookup is answered by a statement that
 * started after it was asked, so it sees every change committed before it was asked, as a
 * statement of its own would. A failed batch is read again key by key, so that a failure (a key
 * the statement cannot take) is only that lookup's.
 */
export class CoalescedReads<K, V> {
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly read: (keys: K[]) => Promise<V[]>;
  private readonly queue: Waiting<K, V>[] = [];
  private inFlight = 0;

  /** `read` answers the keys in their order: one value per key. */
  constructor(options: { maxInFlight: number; maxBatch: number; read: (keys: K[]) => Promise<V[]> }) {
    this.maxInFlight = options.maxInFlight;
    this.maxBatch = options.maxBatch;
    this.read = options.read;
  }

  load(key: K): Promise<V> {
    const { promise, resolve, reject } = Promise.withResolvers<V>();
    this.queue.push({ key, resolve, reject });
    this.drain();
    return promise;
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const waiting = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(waiting).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  private async run(waiting: Waiting<K, V>[]): Promise<void> {
    try {
      const values = await this.read(waiting.map((w) => w.key));
      waiting.forEach((w, i) => w.resolve(values[i]!));
      return;
    } catch (error) {
      if (waiting.length === 1) {
        waiting[0]!.reject(error);
        return;
      }
    }
    await Promise.all(waiting.map((w) => this.read([w.key]).then((values) => w.resolve(values[0]!), w.reject)));
  }
}

interface Waiting<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}
