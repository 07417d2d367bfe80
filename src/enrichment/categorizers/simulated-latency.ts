import { setTimeout as sleep } from 'node:timers/promises';
import type { CategorizableTransaction, Categorization, Categorizer } from './categorizer.js';

/**
 * Wraps a categorizer with the latency of a remote enrichment call (ENRICHMENT_LATENCY_MS), as the
 * original design simulated it. The worker cannot tell it from a slow model.
 */
export class SimulatedLatencyCategorizer implements Categorizer {
  readonly name: string;
  readonly version: string;

  constructor(
    private readonly inner: Categorizer,
    private readonly range: readonly [number, number],
  ) {
    this.name = inner.name;
    this.version = inner.version;
  }

  async categorize(transaction: CategorizableTransaction, signal?: AbortSignal): Promise<Categorization> {
    const [low, high] = this.range;
    if (high > 0) await sleep(low + Math.random() * (high - low), undefined, { signal });
    return this.inner.categorize(transaction, signal);
  }
}
