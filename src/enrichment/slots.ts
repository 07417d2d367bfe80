type Waiter = { max: number; grant: (n: number) => void };

/**
 * A counting semaphore that hands out as many slots as are free (at least one). Waiters are
 * grouped by key (a batch) and the keys take turns, so a small batch posted behind a large one gets
 * an equal share of the slots at once instead of queueing behind every job of the large one.
 */
export class Slots {
  private free: number;
  private readonly queues = new Map<string, Waiter[]>();
  private dispatchScheduled = false;

  constructor(private capacity: number) {
    this.free = capacity;
  }

  get size(): number {
    return this.capacity;
  }

  get available(): number {
    return this.free;
  }

  /** Waits until at least one slot is free, then takes up to `max` of them. */
  acquireUpTo(max: number, key = ''): Promise<number> {
    if (max <= 0) return Promise.resolve(0);
    if (this.queues.size === 0 && this.free > 0) return Promise.resolve(this.take(max));
    return new Promise((grant) => {
      const queue = this.queues.get(key);
      if (queue) queue.push({ max, grant });
      else this.queues.set(key, [{ max, grant }]);
    });
  }

  release(n: number): void {
    if (n <= 0) return;
    this.free += n;
    this.scheduleDispatch();
  }

  /** Changes how many slots there are; slots already taken stay taken. */
  resize(capacity: number): void {
    this.free += capacity - this.capacity;
    this.capacity = capacity;
    this.scheduleDispatch();
  }

  /**
   * Slots come back one by one as a written group of rows settles; handing them out after the
   * group has settled grants them together, so the next claim is one statement for many rows.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.free > 0 && this.queues.size > 0) {
      const [key, queue] = this.queues.entries().next().value as [string, Waiter[]];
      const waiter = queue.shift() as Waiter;
      // The key goes to the back of the turn order; it leaves it when it has no one waiting.
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      waiter.grant(this.take(waiter.max));
    }
  }

  private take(max: number): number {
    const n = Math.min(max, this.free);
    this.free -= n;
    return n;
  }
}

/**
 * Group commit: results added while a write is running are written together by the next one,
 * so many finishing at once cost one round trip, and a lone result waits for none.
 */
export class Batcher<T, R> {
  private buffer: Array<{ item: T; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<Map<T, R>>,
    private readonly maxBatch = 1_000,
  ) {}

  /** Resolves once the item is written, with what the write returned for it. */
  add(item: T): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.buffer.length > 0) {
      const chunk = this.buffer.splice(0, this.maxBatch);
      try {
        const written = await this.write(chunk.map((entry) => entry.item));
        for (const entry of chunk) entry.resolve(written.get(entry.item));
      } catch (error) {
        for (const entry of chunk) entry.reject(error);
      }
    }
    this.flushing = false;
  }
}
