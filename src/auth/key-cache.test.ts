import { describe, expect, it } from 'vitest';
import type { KeyOwner } from './auth.repository.js';
import { KeyCache } from './key-cache.js';

const OPTIONS = { generationCheckMs: 1_000, verifiedMs: 60_000, missMs: 3_000, touchMs: 60_000, maxEntries: 3 };
const owner = (keyId: number, expiresAt: Date | null = null): KeyOwner => ({ keyId, integrationId: 1, integrationName: 'acme', scopes: ['ingest'], expiresAt });

describe('KeyCache', () => {
  it('when the key generation moves, then every verified key is forgotten at once', () => {
    const cache = new KeyCache(OPTIONS);
    cache.observeGeneration(7, 0);
    cache.remember('a', owner(1), 7, 0);
    expect(cache.get('a', 500)?.keyId).toBe(1);

    cache.observeGeneration(8, 1_000);

    expect(cache.get('a', 1_000)).toBeUndefined();
  });

  it('when a lookup started before the generation moved, then its answer is not kept', () => {
    const cache = new KeyCache(OPTIONS);
    cache.observeGeneration(7, 0);
    const startedAt = cache.currentGeneration;
    cache.observeGeneration(8, 1_000);

    cache.remember('a', owner(1), startedAt, 1_100);

    expect(cache.get('a', 1_200)).toBeUndefined();
  });

  it('when a cached key reaches its expiry, then it is no longer answered', () => {
    const cache = new KeyCache(OPTIONS);
    cache.observeGeneration(1, 0);
    cache.remember('a', owner(1, new Date(2_000)), 1, 0);
    expect(cache.get('a', 1_999)?.keyId).toBe(1);
    expect(cache.get('a', 2_000)).toBeUndefined();
  });

  it('when an unknown key is seen, then it is refused from memory for a few seconds only', () => {
    const cache = new KeyCache(OPTIONS);
    cache.rememberMiss('x', 0);
    expect(cache.isKnownMiss('x', 2_999)).toBe(true);
    expect(cache.isKnownMiss('x', 3_000)).toBe(false);
  });

  it('when a key is used many times within a minute, then its use is written once', () => {
    const cache = new KeyCache(OPTIONS);
    const writes = [0, 10, 30_000, 59_999, 60_000, 60_001].filter((at) => cache.shouldTouch(1, at));
    expect(writes).toEqual([0, 60_000]);
  });

  it('when more keys are remembered than it holds, then the oldest go first', () => {
    const cache = new KeyCache(OPTIONS);
    for (const miss of ['a', 'b', 'c', 'd']) cache.rememberMiss(miss, 0);
    expect(['a', 'b', 'c', 'd'].map((miss) => cache.isKnownMiss(miss, 1))).toEqual([false, true, true, true]);
  });
});
