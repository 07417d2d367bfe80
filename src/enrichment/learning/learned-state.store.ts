import type pg from 'pg';
import type { Logger } from '../../infra/logger.js';
import { OutageLog } from '../../infra/outage-log.js';
import type { LearnedState, LearnedStateSource } from './learned.categorizer.js';
import { findLearningVersions, loadFeatureCounts, loadMerchantVotes } from './learning.repository.js';
import { MerchantMemory } from './merchant-memory.js';
import { NaiveBayesModel } from './naive-bayes.js';

interface Entry {
  version: number;
  state: LearnedState | undefined;
  checkedAt: number;
  /** A version check (and reload) in flight: concurrent rows of one integration wait for the same one. */
  refreshing: Promise<void> | undefined;
}

/**
 * Each integration's learned state in the worker's memory, loaded once and reloaded only when the
 * integration's learning version moves. The version (one small row) is checked at most every
 * `refreshMs`, and at once when a row was claimed at a newer version than the one loaded (its claim
 * reads the version), so a correction is in use from the next claim on — well inside the contract's
 * 5 s — and enriching a row costs a map lookup, not a query.
 */
export class LearnedStateStore implements LearnedStateSource {
  private readonly entries = new Map<number, Entry>();
  /** While the database is away every row's refresh fails: one warning, not one per row (an audit saw 92 in a second). */
  private readonly outages: OutageLog;

  constructor(
    private readonly pool: pg.Pool,
    logger: Logger,
    private readonly refreshMs = 2_000,
  ) {
    this.outages = new OutageLog(logger);
  }

  async stateFor(integrationId: number, atLeastVersion = 0): Promise<LearnedState | undefined> {
    let entry = this.entries.get(integrationId);
    if (!entry) {
      entry = { version: 0, state: undefined, checkedAt: 0, refreshing: undefined };
      this.entries.set(integrationId, entry);
    }
    // A check under way may have begun before the version the row was claimed at: then one more.
    for (let round = 0; round < 2 && (Date.now() - entry.checkedAt >= this.refreshMs || entry.version < atLeastVersion); round += 1) {
      const current = entry;
      current.refreshing ??= this.refresh(integrationId, current).finally(() => {
        current.refreshing = undefined;
      });
      // Rows wait for the check (one small query per integration every refreshMs, shared by all
      // rows in flight), so none is enriched with a state older than refreshMs, nor older than the
      // version its claim saw (a correction committed before the claim is in use at once).
      await current.refreshing;
    }
    return entry.state;
  }

  private async refresh(integrationId: number, entry: Entry): Promise<void> {
    try {
      const version = (await findLearningVersions(this.pool, [integrationId])).get(integrationId) ?? 0;
      if (version !== entry.version) {
        entry.state = version === 0 ? undefined : await this.load(integrationId);
        entry.version = version;
      }
      entry.checkedAt = Date.now();
      this.outages.succeeded();
    } catch (error) {
      // The rules still answer; the next row tries again.
      this.outages.failed(error, `could not refresh the learned state of integration ${integrationId}`);
    }
  }

  private async load(integrationId: number): Promise<LearnedState> {
    const client = await this.pool.connect();
    try {
      // Merchants and model counts of one correction are read together or not at all.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const merchants = await loadMerchantVotes(client, integrationId);
      const features = await loadFeatureCounts(client, integrationId);
      await client.query('COMMIT');
      return { memory: MerchantMemory.fromVotes(merchants), model: NaiveBayesModel.fromCounts(features) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
