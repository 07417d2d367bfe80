import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { retryDelayMs } from './webhook-deliverer.js';

describe('webhook retries', () => {
  it('when attempts fail one after another, then each wait doubles from the base up to an hour, its upper half random', () => {
    for (const [attempt, full] of [
      [1, 5_000],
      [2, 10_000],
      [3, 20_000],
      [10, 2_560_000],
      [11, 3_600_000],
      [40, 3_600_000],
    ] as const) {
      const delays = Array.from({ length: 50 }, () => retryDelayMs(attempt, 5_000));
      for (const delay of delays) {
        expect(delay, `attempt ${attempt}`).toBeGreaterThanOrEqual(full / 2);
        expect(delay, `attempt ${attempt}`).toBeLessThanOrEqual(full);
      }
      // Jitter: receivers that fail together are not retried in lockstep.
      expect(new Set(delays).size, `attempt ${attempt}`).toBeGreaterThan(40);
    }
  });

  it('when nothing is configured, then a receiver has 10 s, retries last 24 h and a rotated secret signs for 24 h more; a longer timeout is refused', () => {
    expect(loadConfig({}).webhooks).toMatchObject({ timeoutMs: 10_000, retryHours: 24, secretOverlapSeconds: 86_400, allowPrivateUrls: false });
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '10001' })).toThrow(/WEBHOOK_TIMEOUT_MS/);
  });
});
