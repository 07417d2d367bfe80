/**
 * A counting semaphore that hands out as many slots as are free (at least one), first come first
 * served. Jobs for a small batch queue fairly behind, not underneath, a large batch's jobs.
 */
export class Slots {
  private free: number;
  private readonly waiters: Array<{ max: number; grant: (n: number) => void }> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  get available(): number {
    return this.free;
  }

  /** Waits until at least one slot is free, then takes up to `max` of them. */
  acquireUpTo(max: number): Promise<number> {
    if (max <= 0) return Promise.resolve(0);
    if (this.waiters.length === 0 && this.free > 0) return Promise.resolve(this.take(max));
    return new Promise((grant) => this.waiters.push({ max, grant }));
  }

  release(n: number): void {
    if (n <= 0) return;
    this.free += n;
    while (this.free > 0 && this.waiters.length > 0) {
      const waiter = this.waiters.shift() as { max: number; grant: (n: number) => void };
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
