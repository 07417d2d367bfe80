import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('when an integration bursts past twice its rate, then it is told how long to wait, and others are not', () => {
    let now = 0;
    const limiter = new RateLimiter(5, () => now);
    for (let i = 0; i < 10; i++) expect(limiter.take(1)).toBe(0);
    expect(limiter.take(1)).toBeGreaterThanOrEqual(1);
    expect(limiter.take(2)).toBe(0);
    now += 1_000;
    for (let i = 0; i < 5; i++) expect(limiter.take(1)).toBe(0);
    expect(limiter.take(1)).toBeGreaterThanOrEqual(1);
  });

  it('when the rate is 0, then nothing is limited', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1_000; i++) expect(limiter.take(1)).toBe(0);
  });
});
