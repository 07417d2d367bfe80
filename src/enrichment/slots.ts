type Waiter = { max: number; grant: (n: number) => void };

/**
 * A counting semaphore that hands out as many slots as are free (at least one). Waiters are
 * grouped by key (a batch) within a group (its integration): groups take turns first, then the
 * keys within a group, so one integration posting many batches gets the share of one, and a small
 * batch posted behind a large one gets its share at once instead of queueing behind every job of it.
 */
export class Slots {
  private free: number;
  /** Turn order: groups, and within each group its keys, each with its waiters in arrival order. */
  private readonly groups = new Map<string, Map<string, Waiter[]>>();
  private dispatchScheduled = false;
  /**
   * A grant waits until at least this many slots are free (or all its waiter asked for), so slots
   * that come back one by one can be handed out together.
   */
  minGrant = 1;

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
  acquireUpTo(max: number, key = '', group = ''): Promise<number> {
    if (max <= 0) return Promise.resolve(0);
    if (this.groups.size === 0 && this.free >= Math.min(this.minGrant, max)) return Promise.resolve(this.take(max));
    return new Promise((grant) => {
      const keys = this.groups.get(group) ?? new Map<string, Waiter[]>();
      this.groups.set(group, keys);
      const queue = keys.get(key);
      if (queue) queue.push({ max, grant });
      else keys.set(key, [{ max, grant }]);
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
    while (this.free > 0 && this.groups.size > 0) {
      const [group, keys] = this.groups.entries().next().value as [string, Map<string, Waiter[]>];
      const [key, queue] = keys.entries().next().value as [string, Waiter[]];
      if (this.free < Math.min(this.minGrant, (queue[0] as Waiter).max)) return;
      const waiter = queue.shift() as Waiter;
      // The key goes to the back of its group's turn order, and the group to the back of the
      // groups'; each leaves the order when it has no one waiting.
      keys.delete(key);
      if (queue.length > 0) keys.set(key, queue);
      this.groups.delete(group);
      if (keys.size > 0) this.groups.set(group, keys);
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
 * Group commit: results added in one turn of the event loop are written together, and those added
 * while a write is running by the next one, so many finishing at once cost one round trip, and a
 * lone result waits for one turn. (Written at once instead, the first row of a claim's burst went
 * alone: a statement and a commit for one row, each time.)
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
      if (!this.flushing) {
        this.flushing = true;
        // Items added by the same burst of work (a claim's rows categorized one after another, each a
        // few microtasks) join this write instead of the next one.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Writes what is buffered, chunk after chunk; `add` set `flushing` when it scheduled this. */
  private async flush(): Promise<void> {
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
