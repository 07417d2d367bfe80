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

describe('RateLimiter keyed by client address', () => {
  it('when an address has used its burst, then wait() tells how long without taking a token, and take() is refused', () => {
    let now = 0;
    const limiter = new RateLimiter<string>(1, () => now);
    expect(limiter.take('10.0.0.1')).toBe(0);
    expect(limiter.take('10.0.0.1')).toBe(0);
    expect(limiter.wait('10.0.0.1')).toBe(1);
    expect(limiter.take('10.0.0.1')).toBe(1);
    expect(limiter.wait('10.0.0.2')).toBe(0);
    now += 1_000;
    expect(limiter.wait('10.0.0.1')).toBe(0);
  });

  it('when more addresses than it keeps have come and gone, then the idle ones are forgotten and a busy one is still limited', () => {
    let now = 0;
    const limiter = new RateLimiter<string>(1, () => now, 3);
    limiter.take('busy');
    limiter.take('busy');
    now += 100;
    for (let i = 0; i < 10; i++) expect(limiter.wait(`idle-${i}`)).toBe(0);
    expect(limiter.take('busy')).toBe(1);
  });
});
