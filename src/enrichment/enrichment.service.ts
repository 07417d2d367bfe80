import { randomUUID } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCategory } from '../domain/taxonomy.js';
import { isConnectionError } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { activeSpanContext, contextFromCarrier, currentTraceCarrier, inGroupSpan, inSpan, SpanKind } from '../infra/tracing.js';
import { jobSubject, type EnrichmentJob, type JobQueue, type QueuedJob } from '../infra/queue.js';
import type { EnrichmentDispatcher } from '../ingestion/ingestion.service.js';
import type { Categorizer } from './categorizers/categorizer.js';
import {
  claimPending,
  claimReenrichmentPending,
  findBatchIntegration,
  findReenrichmentIntegration,
  markBatchesCompleted,
  releaseClaims,
  writeResults,
  type ClaimedTransaction,
  type EnrichmentResult,
  type WrittenResult,
} from './enrichment.repository.js';
import { Batcher, Slots } from './slots.js';

export interface EnrichmentOptions {
  /** Transactions enriched at once by this process. */
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  /** How long one job works on its batch before handing on to the back of the queue (fairness). */
  sliceMs?: number;
  /** A batch is split into at most this many parallel lanes, so every worker process can share it. */
  maxLanes?: number;
  /** Rows per lane below which a batch gets fewer lanes. */
  rowsPerLane?: number;
  /** Called when a re-enrichment's job finds none of its rows left to claim. */
  reenrichmentDrained?: (reenrichmentId: string) => Promise<void>;
}

/**
 * The job id of a batch's lane; BullMQ ids may not contain ':'. Job ids deduplicate (a job whose
 * id waits or runs is not added again), and these are all there are:
 * - `<batch>.<lane>.<generation>`: a lane's chain. Dispatch starts lanes 0…n−1 at generation 0;
 *   each slice that leaves work hands on generation + 1, so a chain has one job at a time.
 * - `<batch>.sweep<n>` (rows reclaimed in sweep interval n) and `<batch>.stranded<n>` (no claim
 *   for REDISPATCH_AFTER_MS, period n): the scheduler's re-dispatches, at most one per batch per
 *   interval or period; each continues as the chain of lane 0.
 */
export function jobId(job: EnrichmentJob): string {
  return job.kind === 'reenrichment' ? `r-${job.reenrichmentId}.${job.lane}.${job.generation}` : `${job.batchId}.${job.lane}.${job.generation}`;
}

/** Rows claimed by one statement at most. */
const MAX_CLAIM = 1_000;
/** Rows one process holds (claimed, not yet written) at most, however fast the categorizer. */
const MAX_HELD = 2_000;
/** Held rows beyond those being categorized cover this much work, so claims never starve the categorizer. */
const PREFETCH_SECONDS = 0.5;
/** Share of a lease the categorizer call may use; the rest is left for writing the result. */
const CALL_SHARE_OF_LEASE = 0.8;
/** A write that could not reach the database is tried again this often (it is guarded by claim tokens, so safe to repeat). */
const WRITE_TRIES = 3;

/** A claimed row and the moment its categorizer call must be over, derived from its lease. */
interface HeldRow extends ClaimedTransaction {
  callDeadline: number;
}

/**
 * Enriches pending transactions. A job works one batch for a time slice: it claims rows in one
 * short statement, categorizes them (at most WORKER_CONCURRENCY at once) with no transaction or
 * lock open, writes results set-based under their claim tokens, and hands the rest on as a new job.
 *
 * How many rows a process holds adapts to the categorizer's speed: with a slow remote model it is a
 * little more than the concurrency (rows never wait long in memory while their lease runs); with
 * a fast one it grows to large claims, so the database sees a few big statements, not many small.
 *
 * Fair shares: the rows a process holds go to integrations in turn, then to an integration's
 * batches in turn; a new batch's first slice is queued at the front, so a small batch of one
 * integration starts at once behind the many batches of another. Each row's categorizer call must
 * end within its lease (less time to write), reckoned from the claim.
 */
export class EnrichmentService implements EnrichmentDispatcher {
  /** Rows held by this process; integrations, then their batches, take turns for them. */
  private readonly held: Slots;
  /** The span each result awaiting its write was produced under, when tracing records. */
  private readonly jobSpans = new Map<EnrichmentResult, SpanContext>();
  /** Categorizer calls in flight (WORKER_CONCURRENCY). */
  private readonly calls: Slots;
  /** Moving average of one categorizer call, in seconds; starts pessimistic. */
  private callSeconds = 0.5;
  /** The slowest recent call, in seconds: follows a slow-down at once, forgets it slowly. */
  private slowCallSeconds = 0;
  private readonly writer: Batcher<EnrichmentResult, WrittenResult>;
  private readonly sliceMs: number;
  private readonly maxLanes: number;
  private readonly rowsPerLane: number;
  private stopping = false;
  /** Categorizer calls are cut short before the lease runs out, so a hung call cannot outlive its claim. */
  private readonly callBudgetMs: number;
  /** Rows given back untried (their lease nearly spent before a call slot came), written together. */
  private readonly giveBacks: Batcher<HeldRow, true>;
  /** Rows held per claim token, so a forced shutdown can give back what it still holds. */
  private readonly heldByClaim = new Map<string, number>();
  /** Releases of claims whose answer was lost, still running. */
  private readonly releases = new Set<Promise<void>>();
  /** Which integration each batch worked here belongs to: rows are shared between integrations first. */
  private readonly integrations = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: JobQueue,
    private readonly categorizer: Categorizer,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: EnrichmentOptions,
  ) {
    this.calls = new Slots(options.concurrency);
    this.held = new Slots(this.heldTarget());
    this.sliceMs = options.sliceMs ?? 2_000;
    this.maxLanes = options.maxLanes ?? 8;
    this.rowsPerLane = options.rowsPerLane ?? 250;
    this.callBudgetMs = Math.max(50, Math.floor(options.leaseMs * CALL_SHARE_OF_LEASE));
    this.writer = new Batcher(async (results) => {
      // One write serves rows of several jobs (and requests): its span links to each of their spans.
      const links = [...new Set(results.map((r) => this.jobSpans.get(r)))].flatMap((context) => (context ? [{ context }] : []));
      for (const r of results) this.jobSpans.delete(r);
      const written = await inSpan('enrichment.write', { links, attributes: { 'lucro.rows': results.length } }, () =>
        retryUnreachable(() => writeResults(this.pool, results, options.maxAttempts)),
      );
      const byId = new Map(written.map((w) => [w.id, w]));
      return new Map(results.flatMap((r) => (byId.has(r.id) ? [[r, byId.get(r.id) as WrittenResult]] : [])));
    });
    this.giveBacks = new Batcher(async (rows) => {
      await retryUnreachable(() => releaseClaims(this.pool, [...new Set(rows.map((r) => r.claimToken))], rows.map((r) => r.id)));
      return new Map(rows.map((row) => [row, true as const]));
    });
  }

  /**
   * Dispatches a newly stored batch: enough lanes that several workers can share it, at the front
   * of the queue, so its first slice starts while other integrations' batches are worked.
   */
  async batchAccepted(batchId: string, accepted: number): Promise<void> {
    const lanes = Math.max(1, Math.min(this.maxLanes, Math.ceil(accepted / this.rowsPerLane)));
    // The request's trace travels with the jobs, so the worker's spans join it.
    const carrier = currentTraceCarrier();
    const trace = Object.keys(carrier).length > 0 ? { trace: carrier } : {};
    await this.queue.add(
      Array.from({ length: lanes }, (_, lane) => ({ id: jobId({ batchId, lane, generation: 0 }), data: { batchId, lane, generation: 0, ...trace }, front: true })),
    );
  }

  /** Queues one more job for a batch, e.g. when the scheduler finds its rows waiting. `tag` deduplicates. */
  async redispatch(batchId: string, tag: string): Promise<void> {
    await this.queue.add([{ id: `${batchId}.${tag}`, data: { batchId, lane: 0, generation: 0 } }]);
  }

  /** Starts consuming jobs from the queue. */
  start(): void {
    this.stopping = false;
    // More jobs than lanes of one batch, so a small batch's job starts while a big batch is worked.
    this.queue.consume((job) => this.processJob(job), this.maxLanes * 2);
  }

  /** Stops claiming; rows already claimed are finished and written before this resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.queue.stopConsuming();
    await Promise.allSettled([...this.releases]);
  }

  /**
   * For a shutdown that cannot wait any longer: gives back every row this process still holds,
   * untried, so none waits for its lease to run out or loses an attempt. A result being written
   * at the same moment wins or finds its claim gone; the claim tokens decide.
   */
  async releaseHeld(): Promise<number> {
    const tokens = [...this.heldByClaim.keys()];
    return tokens.length === 0 ? 0 : releaseClaims(this.pool, tokens, null);
  }

  /** Works one slice of a batch. Exported for tests and benchmarks; the queue calls it. */
  async processJob(job: EnrichmentJob): Promise<void> {
    const attributes = { 'lucro.job': jobSubject(job), 'lucro.lane': job.lane, 'lucro.generation': job.generation };
    const parent = contextFromCarrier(job.kind === 'reenrichment' ? undefined : job.trace);
    return inSpan('enrichment.job', { kind: SpanKind.CONSUMER, parent, attributes }, () => this.workSlice(job));
  }

  private async workSlice(job: EnrichmentJob): Promise<void> {
    const deadline = Date.now() + this.sliceMs;
    const tasks: Array<Promise<'pending' | 'done'>> = [];
    let exhausted = false;
    try {
      const integration = await this.integrationOf(job);
      while (!this.stopping && Date.now() < deadline) {
        const granted = await this.held.acquireUpTo(MAX_CLAIM, jobSubject(job), integration);
        if (this.stopping) {
          this.held.release(granted);
          break;
        }
        const rows = await this.claim(job, granted);
        // One span for a claim's rows, not one per row: at latency 0 those would cost more than the work.
        const enriched = inGroupSpan('enrichment.categorize', { attributes: { 'lucro.job': jobSubject(job), 'lucro.rows': rows.length } }, () =>
          rows.map((row) => this.enrichOne(row)),
        );
        for (const [i, row] of rows.entries()) {
          const task = (enriched[i] as Promise<'pending' | 'done'>).finally(() => {
            this.held.release(1);
            this.settled(row.claimToken);
          });
          // Awaited after the loop; until then a failure (the database gone) must not count as unhandled.
          task.catch(() => {});
          tasks.push(task);
        }
        if (rows.length < granted) {
          exhausted = true;
          break;
        }
      }
    } catch (error) {
      // Rows already claimed are finished (or left to their lease) before the job gives up.
      await Promise.allSettled(tasks);
      throw error;
    }

    const outcomes = await Promise.all(tasks);
    if (exhausted && !outcomes.includes('pending')) {
      if (job.kind === 'reenrichment') await this.options.reenrichmentDrained?.(job.reenrichmentId);
      else await markBatchesCompleted(this.pool, [job.batchId]);
      return;
    }
    const next: EnrichmentJob = { ...job, generation: job.generation + 1 };
    await this.queue.add([{ id: jobId(next), data: next } satisfies QueuedJob]).catch((error: unknown) => {
      // The scheduler finds the batch's pending rows and dispatches them again.
      this.logger.warn({ job: jobSubject(job), err: error }, 'could not hand the work on');
    });
  }

  private async integrationOf(job: EnrichmentJob): Promise<string> {
    const subject = jobSubject(job);
    let integration = this.integrations.get(subject);
    if (integration === undefined) {
      const found = job.kind === 'reenrichment' ? await findReenrichmentIntegration(this.pool, job.reenrichmentId) : await findBatchIntegration(this.pool, job.batchId);
      integration = String(found ?? '');
      // Batches finish; a bounded memory forgets them all at once now and then.
      if (this.integrations.size >= 10_000) this.integrations.clear();
      this.integrations.set(subject, integration);
    }
    return integration;
  }

  /** How many rows to hold: those being categorized plus PREFETCH_SECONDS of work. */
  private heldTarget(): number {
    const { concurrency } = this.options;
    const prefetch = Math.ceil((concurrency * PREFETCH_SECONDS) / Math.max(this.callSeconds, 1e-4));
    return Math.min(MAX_HELD, Math.max(concurrency, concurrency + prefetch));
  }

  private observeCall(seconds: number): void {
    this.callSeconds = this.callSeconds * 0.95 + seconds * 0.05;
    this.slowCallSeconds = Math.max(seconds, this.slowCallSeconds * 0.99);
    const target = this.heldTarget();
    // Resizing on every call would be noise; a change of a tenth is worth acting on.
    if (Math.abs(target - this.held.size) > this.held.size / 10) this.held.resize(target);
  }

  /**
   * Claims up to `granted` rows; the slots of rows not claimed are given back at once. Each row's
   * call deadline is reckoned from before the claim was sent, so it falls before the lease the
   * server sets, whatever the clocks say.
   */
  private async claim(job: EnrichmentJob, granted: number): Promise<HeldRow[]> {
    const started = process.hrtime.bigint();
    const sentAt = Date.now();
    const claimToken = randomUUID();
    try {
      const rows = await inSpan('enrichment.claim', { attributes: { 'lucro.job': jobSubject(job), 'lucro.limit': granted } }, () =>
        job.kind === 'reenrichment'
          ? claimReenrichmentPending(this.pool, job.reenrichmentId, granted, this.options.leaseMs, claimToken)
          : claimPending(this.pool, job.batchId, granted, this.options.leaseMs, claimToken),
      );
      this.held.release(granted - rows.length);
      if (rows.length > 0) this.heldByClaim.set(claimToken, rows.length);
      return rows.map((row) => ({ ...row, callDeadline: sentAt + this.callBudgetMs }));
    } catch (error) {
      this.held.release(granted);
      this.releaseLostClaim(claimToken, sentAt);
      throw error;
    } finally {
      this.metrics.claimLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * The claim may have committed although its answer never came (the connection dropped, the
   * client stopped waiting): its rows would sit in `processing` with no one to finish them until
   * the lease ran out, and lose an attempt. They are given back by the claim's token. The server
   * gives a statement up before the client stops waiting (src/infra/db.ts), so the claim is over
   * by now; once more a second later for a commit that was in flight, and on while the database
   * cannot be reached, until the lease would have freed them anyway.
   */
  private releaseLostClaim(claimToken: string, sentAt: number): void {
    const release = (async () => {
      for (let attempt = 0; Date.now() < sentAt + this.options.leaseMs; attempt++) {
        try {
          const released = await releaseClaims(this.pool, [claimToken], null);
          if (released > 0) this.logger.warn({ claim_token: claimToken, released }, 'gave back the rows of a claim whose answer was lost');
          if (released > 0 || attempt >= 1) return;
        } catch {
          // Unreachable for now: try again.
        }
        await sleep(Math.min(1_000 * 2 ** attempt, 10_000));
      }
    })();
    this.releases.add(release);
    void release.finally(() => this.releases.delete(release));
  }

  private settled(claimToken: string): void {
    const left = (this.heldByClaim.get(claimToken) ?? 1) - 1;
    if (left > 0) this.heldByClaim.set(claimToken, left);
    else this.heldByClaim.delete(claimToken);
  }

  /**
   * Below this much time left before its call deadline, a row is given back rather than called:
   * more than a slow recent call takes, but never so much that a freshly claimed row is not called.
   */
  private minCallMs(): number {
    return Math.min(this.callBudgetMs / 2, Math.max(50, 1_500 * this.slowCallSeconds));
  }

  /** Categorizes one claimed row and commits its result once; resolves to where the row went. */
  private async enrichOne(row: HeldRow): Promise<'pending' | 'done'> {
    const log = { batch_id: row.batchId, transaction_id: row.transactionId };
    let result: EnrichmentResult;
    await this.calls.acquireUpTo(1);
    // Rows wait here for a call slot while their lease runs: one whose lease is nearly spent is
    // given back untried rather than called, reclaimed and called again with its result thrown away.
    const budgetMs = row.callDeadline - Date.now();
    if (budgetMs < this.minCallMs()) {
      this.calls.release(1);
      await this.giveBacks.add(row);
      this.logger.debug({ ...log, budget_ms: budgetMs }, 'lease nearly spent before a call slot came; row given back');
      return 'pending';
    }
    const started = process.hrtime.bigint();
    try {
      const answer = await this.categorizer.categorize(
        {
          transactionId: row.transactionId,
          accountId: String(row.accountId),
          integrationId: row.integrationId,
          date: row.date,
          amount: row.amount,
          currency: row.currency,
          merchantName: row.merchantName,
          description: row.description,
          mcc: row.mcc,
        },
        AbortSignal.timeout(budgetMs),
      );
      if (!isCategory(answer.category)) throw new Error(`categorizer returned unknown category "${answer.category}"`);
      const confidence = Math.min(1, Math.max(0, Number.isFinite(answer.confidence) ? answer.confidence : 0));
      this.metrics.categorizationConfidence.observe({ categorizer: answer.source.split(':')[0] }, confidence);
      result = { id: row.id, claimToken: row.claimToken, category: answer.category, confidence, source: answer.source, version: this.categorizer.version };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { id: row.id, claimToken: row.claimToken, error: message.slice(0, 1_000) || 'categorizer failed' };
      this.logger.warn({ ...log, attempt: row.attempts, err: error }, 'categorizer failed');
    } finally {
      this.calls.release(1);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.enrichmentDuration.observe(seconds);
      this.observeCall(seconds);
    }

    const span = activeSpanContext();
    if (span) this.jobSpans.set(result, span);
    const written = await this.writer.add(result);
    if (!written) {
      this.logger.warn(log, 'result discarded: the claim was lost (lease expired and the row was reclaimed)');
      return 'done';
    }
    const outcome = written.status === 'completed' ? 'completed' : written.status === 'failed' ? 'failed' : 'retried';
    this.metrics.enrichmentsFinished.inc({ outcome });
    this.logger.debug({ ...log, status: written.status }, 'transaction enriched');
    return written.status === 'pending' ? 'pending' : 'done';
  }
}

/** Runs a statement again when the database could not be reached, a few times with a short pause. */
async function retryUnreachable<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= WRITE_TRIES || !isConnectionError(error)) throw error;
      await sleep(300 * attempt);
    }
  }
}
