/**
 * Token buckets per integration: `perSecond` requests sustained, bursts up to twice that. Kept in
 * process memory, so with N API replicas an integration gets up to N times the rate; a shared
 * limit belongs in the gateway in front of the replicas.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = perSecond * 2;
  }

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Takes one request's token; returns 0 when allowed, else the seconds until one is free. */
  take(integrationId: number): number {
    if (!this.enabled) return 0;
    const now = this.now();
    const bucket = this.buckets.get(integrationId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(integrationId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}
