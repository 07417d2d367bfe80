import type pg from 'pg';
import type { ChangeService } from '../changes/change.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { JobDispatcher } from './dispatcher.js';
import {
  countUnfinished,
  findFinishedOpenBatches,
  findStrandedBatches,
  markBatchesCompleted,
  purgeExpiredIdempotencyKeys,
  reclaimExpiredLeases,
} from './enrichment.repository.js';
import { oldestPendingAgeSeconds, purgeEndedAdminSessions, purgeGoneProcesses } from '../operations/operations.repository.js';
import { purgeDeliveredEvents, purgeFinishedDeliveries, settleDeliveriesOfDeletedEndpoints } from '../webhooks/webhook.repository.js';
import { rederiveUnderivedLessons } from '../corrections/lessons.js';
import { withTransaction } from '../infra/db.js';

export interface SweepReport {
  reclaimed: number;
  failedByLease: number;
  redispatched: number;
  completedBatches: number;
}

const SWEEP_LIMIT = 5_000;
/** Rows one purge statement drops, and statements per sweep. */
const PURGE_CHUNK = 5_000;
const PURGE_ROUNDS = 10;

/**
 * Runs `chunk` (which handles up to `limit` rows and says how many it did) up to PURGE_ROUNDS times
 * in one sweep: a full chunk may leave more behind; one short of it left none.
 */
async function inChunks(chunk: (limit: number) => Promise<number>): Promise<void> {
  for (let round = 0; round < PURGE_ROUNDS && (await chunk(PURGE_CHUNK)) === PURGE_CHUNK; round++);
}
/** Corrections whose lessons one sweep derives again. */
const REDERIVE_PER_SWEEP = 1_000;
/** A process's heartbeat row is dropped once it has not been seen for this long; a queue-board session once it has been over for this long. */
const GONE_PROCESS_DAYS = 7;
const ENDED_SESSION_SECONDS = 3_600;

/**
 * The Celery Beat role: repairs what crashes and outages leave behind. Safe to run in several
 * processes at once: reclaims skip rows another sweeper holds, and re-dispatches are deduplicated.
 */
export class MaintenanceService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dispatcher: JobDispatcher,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: { maxAttempts: number; redispatchAfterMs: number; intervalMs: number; changeRetentionDays: number; webhookRetentionDays: number },
    private readonly changes: ChangeService,
    /** Re-enrichments whose job was lost are dispatched again, and finished ones stamped, here. */
    private readonly reenrichments?: { sweep(stalledAfterMs: number): Promise<void> },
  ) {}

  async sweep(): Promise<SweepReport> {
    // Each step is its own: one that fails (a statement timing out on a loaded database) leaves the
    // others to run, so retention and the gauges do not wait on completing batches. The first failure
    // is then thrown, for the scheduler to log, and the sweep is not stamped as done.
    const failures: unknown[] = [];
    const step = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        failures.push(error);
        this.logger.debug({ err: error, step: name }, 'a maintenance sweep step failed');
      }
    };
    let report: SweepReport = { reclaimed: 0, failedByLease: 0, redispatched: 0, completedBatches: 0 };
    await step('reclaim and re-dispatch', async () => {
      const taken = await this.takeBackExpiredLeases();
      report = taken.report;
      // A stranded batch gets one tag per REDISPATCH_AFTER_MS: when jobs wait longer than that (an
      // overloaded queue), it gets one more job per period, not one per sweep.
      const period = Math.max(this.options.intervalMs, this.options.redispatchAfterMs);
      for (const batchId of await findStrandedBatches(this.pool, this.options.redispatchAfterMs, 1_000)) {
        if (!taken.toDispatch.has(batchId)) taken.toDispatch.set(batchId, `stranded${Math.floor(Date.now() / period)}`);
      }
      report.redispatched = await this.dispatch(taken.toDispatch);
    });
    await step('complete batches', async () => {
      const finished = await findFinishedOpenBatches(this.pool, 1_000);
      if (finished.length > 0) report.completedBatches = (await markBatchesCompleted(this.pool, finished)).length;
    });
    await step('re-enrichments', async () => this.reenrichments?.sweep(this.options.redispatchAfterMs));
    await step('idempotency retention', async () => void (await purgeExpiredIdempotencyKeys(this.pool)));
    // Feed readers place changes themselves; this keeps positions current for consumers that only
    // wait to be told (webhooks), a bounded number of passes per sweep.
    await step('place changes', async () => {
      for (let pass = 0; pass < 10 && (await this.changes.sequence()) > 0; pass++);
    });
    await step('change retention', async () => void (await this.changes.purge(this.options.changeRetentionDays)));
    await step('deleted endpoints', () => this.settleDeletedEndpoints());
    await step('webhook retention', () => this.purgeWebhookLog());
    await step('process retention', async () => void (await purgeGoneProcesses(this.pool, GONE_PROCESS_DAYS)));
    await step('session retention', async () => void (await purgeEndedAdminSessions(this.pool, ENDED_SESSION_SECONDS)));
    // Lessons a process of the previous release wrote its way during a rolling upgrade.
    await step('derive lessons', async () => void (await withTransaction(this.pool, (client) => rederiveUnderivedLessons(client, REDERIVE_PER_SWEEP))));
    // The backlog gauges are read here, once a sweep, so that no scrape of /metrics queries the database.
    await step('gauges', () => this.refreshGauges());
    if (failures.length > 0) throw failures[0];
    // Only a scheduler's whole sweep keeps them: an alert watches that one has swept lately (LucroSchedulerDown).
    this.metrics.lastSweep.set(Date.now() / 1000);
    return report;
  }

  /**
   * Hands the queue every batch and re-enrichment with rows waiting, however recently they were
   * touched. For a process whose queue lives inside it (no Redis), at start-up: that queue starts
   * empty, so what the database holds pending (rows the last drain gave back a moment ago) has no
   * job, and would otherwise wait REDISPATCH_AFTER_MS for a sweep to find it.
   */
  async dispatchAllWaiting(): Promise<number> {
    const batches = await findStrandedBatches(this.pool, 0, SWEEP_LIMIT);
    const dispatched = await this.dispatch(new Map(batches.map((batchId) => [batchId, `start${Date.now()}`])));
    await this.reenrichments?.sweep(0);
    return dispatched;
  }

  /** Settles what still waits for a deleted endpoint: a bounded number per sweep, the rest at the next. */
  private async settleDeletedEndpoints(): Promise<void> {
    await inChunks((limit) => settleDeliveriesOfDeletedEndpoints(this.pool, limit));
  }

  /** Drops finished deliveries past the retention, then the events none is left for: a bounded number per sweep, the rest at the next. */
  private async purgeWebhookLog(): Promise<void> {
    for (const purge of [purgeFinishedDeliveries, purgeDeliveredEvents]) await inChunks((limit) => purge(this.pool, this.options.webhookRetentionDays, limit));
  }

  /**
   * Takes back the rows whose lease ran out and hands their batches to the queue again: the part of
   * the sweep every worker also runs, so that a dead worker's rows come back (§9) whether or not a
   * scheduler runs.
   */
  async reclaimLeases(): Promise<SweepReport> {
    const { report, toDispatch, failedIn } = await this.takeBackExpiredLeases();
    report.redispatched = await this.dispatch(toDispatch);
    // A batch whose last rows failed on their lease has nothing left to do: complete and announce it.
    if (failedIn.length > 0) report.completedBatches = (await markBatchesCompleted(this.pool, failedIn)).length;
    return report;
  }

  private async takeBackExpiredLeases(): Promise<{ report: SweepReport; toDispatch: Map<string, string>; failedIn: string[] }> {
    const report: SweepReport = { reclaimed: 0, failedByLease: 0, redispatched: 0, completedBatches: 0 };
    const reclaimed = await reclaimExpiredLeases(this.pool, SWEEP_LIMIT, this.options.maxAttempts);
    report.reclaimed = reclaimed.length;
    report.failedByLease = reclaimed.filter((r) => r.status === 'failed').length;
    if (reclaimed.length > 0) {
      this.metrics.leaseReclaims.inc(reclaimed.length);
      this.logger.warn({ reclaimed: reclaimed.length, failed: report.failedByLease }, 'reclaimed expired processing leases');
    }
    // Job ids deduplicate. A reclaim gets a tag of its own each sweep, so it is dispatched even while
    // an older sweep job still waits.
    const tag = `sweep${Math.floor(Date.now() / this.options.intervalMs)}`;
    return {
      report,
      toDispatch: new Map(reclaimed.filter((r) => r.status === 'pending').map((r) => [r.batchId, tag])),
      failedIn: [...new Set(reclaimed.filter((r) => r.status === 'failed').map((r) => r.batchId))],
    };
  }

  /** Dispatches each batch with its tag; stops at the first failure (the queue is away), for the next sweep to retry. */
  private async dispatch(toDispatch: Map<string, string>): Promise<number> {
    let dispatched = 0;
    for (const [batchId, tag] of toDispatch) {
      try {
        await this.dispatcher.redispatch(batchId, tag);
        dispatched += 1;
      } catch (error) {
        this.logger.warn({ batch_id: batchId, err: error }, 'could not dispatch; will retry at the next sweep');
        break;
      }
    }
    return dispatched;
  }

  /** Reads the backlog into the metrics (cheap: both statuses are small partial indexes). */
  async refreshGauges(): Promise<void> {
    const [counts, oldestPendingAge] = await Promise.all([countUnfinished(this.pool), oldestPendingAgeSeconds(this.pool)]);
    this.metrics.transactionsByStatus.set({ status: 'pending' }, counts.pending);
    this.metrics.transactionsByStatus.set({ status: 'processing' }, counts.processing);
    // A gauge has no "none": 0 when nothing is pending.
    this.metrics.oldestPendingAge.set(oldestPendingAge ?? 0);
  }
}
