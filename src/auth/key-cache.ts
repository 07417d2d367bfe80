import type { KeyOwner } from './auth.repository.js';

export interface KeyCacheOptions {
  /** How often the key generation is read again; bounds how long a revoked key keeps working. */
  generationCheckMs: number;
  /** A verified key is looked up again after this even if nothing was revoked (scopes, deletions). */
  verifiedMs: number;
  /** An unknown key is refused without a lookup for this long. */
  missMs: number;
  /** last_used_at is written at most once per key per this. */
  touchMs: number;
  /** Entries kept per map; the oldest go first. */
  maxEntries: number;
}

export const DEFAULT_KEY_CACHE: KeyCacheOptions = {
  generationCheckMs: 1_000,
  verifiedMs: 60_000,
  missMs: 3_000,
  touchMs: 60_000,
  maxEntries: 10_000,
};

/**
 * What one process remembers about keys, by key hash. Verified keys are trusted only as long as the
 * database's key generation has not moved since they were looked up: revocation anywhere empties
 * every process's cache at its next generation check, not when some timer happens to run out.
 */
export class KeyCache {
  private readonly verified = new Map<string, { owner: KeyOwner; until: number }>();
  private readonly misses = new Map<string, number>();
  private readonly touched = new Map<number, number>();
  private generation: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: KeyCacheOptions = DEFAULT_KEY_CACHE) {}

  /** The generation last read, to hand to remember() after a lookup that started now. */
  get currentGeneration(): number | undefined {
    return this.generation;
  }

  needsGenerationCheck(now: number): boolean {
    return now - this.checkedAt >= this.options.generationCheckMs;
  }

  /** Whether verified keys may still be trusted without the database (revocation bound kept). */
  trustedAt(now: number, bound: number): boolean {
    return now - this.checkedAt < bound;
  }

  observeGeneration(generation: number, now: number): void {
    if (generation !== this.generation) this.verified.clear();
    this.generation = generation;
    this.checkedAt = now;
  }

  get(hash: string, now: number): KeyOwner | undefined {
    const entry = this.verified.get(hash);
    if (!entry) return undefined;
    const expired = entry.owner.expiresAt !== null && entry.owner.expiresAt.getTime() <= now;
    if (entry.until > now && !expired) return entry.owner;
    this.verified.delete(hash);
    return undefined;
  }

  /** Keeps a verified key, unless the generation moved while it was being looked up. */
  remember(hash: string, owner: KeyOwner, lookedUpAtGeneration: number | undefined, now: number): void {
    if (lookedUpAtGeneration === undefined || lookedUpAtGeneration !== this.generation) return;
    bounded(this.verified, this.options.maxEntries).set(hash, { owner, until: now + this.options.verifiedMs });
  }

  isKnownMiss(hash: string, now: number): boolean {
    const until = this.misses.get(hash);
    if (until === undefined) return false;
    if (until > now) return true;
    this.misses.delete(hash);
    return false;
  }

  rememberMiss(hash: string, now: number): void {
    bounded(this.misses, this.options.maxEntries).set(hash, now + this.options.missMs);
  }

  /** True when this key's use should be written now (and records that it was). */
  shouldTouch(keyId: number, now: number): boolean {
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < this.options.touchMs) return false;
    bounded(this.touched, this.options.maxEntries).set(keyId, now);
    return true;
  }
}

/** Makes room for one more entry by dropping the oldest (Maps iterate in insertion order). */
function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
