/**
 * Token buckets per key (an integration, a client address): `perSecond` requests sustained, bursts
 * up to twice that. Kept in process memory, so with N API replicas a key gets up to N times the
 * rate; a shared limit belongs in the gateway in front of the replicas.
 */
export class RateLimiter<K = number> {
  private readonly buckets = new Map<K, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    /** Buckets kept at most; past it, the full ones (keys idle long enough to refill) are forgotten. */
    private readonly maxKeys = 100_000,
  ) {
    this.burst = perSecond * 2;
  }

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Takes one request's token; returns 0 when allowed, else the seconds until one is free. */
  take(key: K): number {
    const wait = this.wait(key);
    if (wait === 0 && this.enabled) this.refill(key).tokens -= 1;
    return wait;
  }

  /** The seconds until `key` has a token (0: it has one now), without taking it. */
  wait(key: K): number {
    if (!this.enabled) return 0;
    const bucket = this.refill(key);
    return bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  private refill(key: K): { tokens: number; at: number } {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetFull(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
