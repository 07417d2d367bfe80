import { randomUUID } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type pg from 'pg';
import { isCategory } from '../domain/taxonomy.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { jobSubject, type EnrichmentJob, type JobQueue, type QueuedJob } from '../infra/queue.js';
import { activeSpanContext, contextFromCarrier, currentTraceCarrier, inGroupSpan, inSpan, SpanKind } from '../infra/tracing.js';
import type { EnrichmentDispatcher } from '../ingestion/ingestion.service.js';
import type { Categorizer } from './categorizers/categorizer.js';
import {
  claimPending,
  claimReenrichmentPending,
  markBatchesCompleted,
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

/** The job id of a batch's (or re-enrichment's) lane; BullMQ ids may not contain ':'. */
export function jobId(job: EnrichmentJob): string {
  return job.kind === 'reenrichment' ? `r-${job.reenrichmentId}.${job.lane}.${job.generation}` : `${job.batchId}.${job.lane}.${job.generation}`;
}

/** Rows claimed by one statement at most. */
const MAX_CLAIM = 1_000;
/** Rows one process holds (claimed, not yet written) at most, however fast the categorizer. */
const MAX_HELD = 2_000;
/** Held rows beyond those being categorized cover this much work, so claims never starve the categorizer. */
const PREFETCH_SECONDS = 0.5;

/**
 * Enriches pending transactions. A job works one batch for a time slice: it claims rows in one
 * short statement, categorizes them (at most WORKER_CONCURRENCY at once) with no transaction or
 * lock open, writes results set-based under their claim tokens, and hands the rest on as a new job.
 *
 * How many rows a process holds adapts to the categorizer's speed: with a slow remote model it is a
 * little more than the concurrency (rows never wait long in memory while their lease runs); with
 * a fast one it grows to large claims, so the database sees a few big statements, not many small.
 */
export class EnrichmentService implements EnrichmentDispatcher {
  /** Rows held by this process; batches take turns for them. */
  private readonly held: Slots;
  /** Categorizer calls in flight (WORKER_CONCURRENCY). */
  private readonly calls: Slots;
  /** Moving average of one categorizer call, in seconds; starts pessimistic. */
  private callSeconds = 0.5;
  private readonly writer: Batcher<EnrichmentResult, WrittenResult>;
  private readonly sliceMs: number;
  private readonly maxLanes: number;
  private readonly rowsPerLane: number;
  private stopping = false;
  /** The job span each result awaiting its write belongs to, when tracing records. */
  private readonly jobSpans = new Map<EnrichmentResult, SpanContext>();
  /** Categorizer calls are cut short before the lease runs out, so a hung call cannot outlive its claim. */
  private readonly callTimeoutMs: number;

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
    this.callTimeoutMs = Math.max(50, Math.floor(options.leaseMs * 0.8));
    this.writer = new Batcher(async (results) => {
      // One write serves rows of several jobs (and requests): its span links to each of their job spans.
      const links = [...new Set(results.map((r) => this.jobSpans.get(r)))].flatMap((context) => (context ? [{ context }] : []));
      for (const r of results) this.jobSpans.delete(r);
      const written = await inSpan('enrichment.write', { links, attributes: { 'lucro.rows': results.length } }, () => writeResults(this.pool, results, options.maxAttempts));
      const byId = new Map(written.map((w) => [w.id, w]));
      return new Map(results.flatMap((r) => (byId.has(r.id) ? [[r, byId.get(r.id) as WrittenResult]] : [])));
    });
  }

  /** Dispatches a newly stored batch: enough lanes that several workers can share it. */
  async batchAccepted(batchId: string, accepted: number): Promise<void> {
    const lanes = Math.max(1, Math.min(this.maxLanes, Math.ceil(accepted / this.rowsPerLane)));
    // The request's trace travels with the jobs, so the worker's spans join it.
    const carrier = currentTraceCarrier();
    const trace = Object.keys(carrier).length > 0 ? { trace: carrier } : {};
    await this.queue.add(Array.from({ length: lanes }, (_, lane) => ({ id: jobId({ batchId, lane, generation: 0 }), data: { batchId, lane, generation: 0, ...trace } })));
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
      while (!this.stopping && Date.now() < deadline) {
        const granted = await this.held.acquireUpTo(MAX_CLAIM, jobSubject(job));
        if (this.stopping) {
          this.held.release(granted);
          break;
        }
        const rows = await this.claim(job, granted);
        // One span for categorizing a claim's rows, not one per row: at latency 0 those would cost more than the work.
        const results = inGroupSpan('enrichment.categorize', { attributes: { 'lucro.job': jobSubject(job), 'lucro.rows': rows.length } }, () =>
          rows.map((row) => this.categorize(row)),
        );
        for (const [i, row] of rows.entries()) {
          const task = (results[i] as Promise<EnrichmentResult>).then((result) => this.commit(row, result)).finally(() => this.held.release(1));
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

  /** How many rows to hold: those being categorized plus PREFETCH_SECONDS of work. */
  private heldTarget(): number {
    const { concurrency } = this.options;
    const prefetch = Math.ceil((concurrency * PREFETCH_SECONDS) / Math.max(this.callSeconds, 1e-4));
    return Math.min(MAX_HELD, Math.max(concurrency, concurrency + prefetch));
  }

  private observeCall(seconds: number): void {
    this.callSeconds = this.callSeconds * 0.95 + seconds * 0.05;
    const target = this.heldTarget();
    // Resizing on every call would be noise; a change of a tenth is worth acting on.
    if (Math.abs(target - this.held.size) > this.held.size / 10) this.held.resize(target);
  }

  /** Claims up to `granted` rows; the slots of rows not claimed are given back at once. */
  private async claim(job: EnrichmentJob, granted: number): Promise<ClaimedTransaction[]> {
    const started = process.hrtime.bigint();
    try {
      const rows = await inSpan('enrichment.claim', { attributes: { 'lucro.job': jobSubject(job), 'lucro.limit': granted } }, () =>
        job.kind === 'reenrichment'
          ? claimReenrichmentPending(this.pool, job.reenrichmentId, granted, this.options.leaseMs, randomUUID())
          : claimPending(this.pool, job.batchId, granted, this.options.leaseMs, randomUUID()),
      );
      this.held.release(granted - rows.length);
      return rows;
    } catch (error) {
      this.held.release(granted);
      throw error;
    } finally {
      this.metrics.claimLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Categorizes one claimed row into the result to write: a category, or the error that kept it from one. */
  private async categorize(row: ClaimedTransaction): Promise<EnrichmentResult> {
    let result: EnrichmentResult;
    await this.calls.acquireUpTo(1);
    const started = process.hrtime.bigint();
    try {
      const transaction = {
        transactionId: row.transactionId,
        accountId: String(row.accountId),
        integrationId: row.integrationId,
        date: row.date,
        amount: row.amount,
        currency: row.currency,
        merchantName: row.merchantName,
        description: row.description,
        mcc: row.mcc,
      };
      const answer = await this.categorizer.categorize(transaction, AbortSignal.timeout(this.callTimeoutMs));
      if (!isCategory(answer.category)) throw new Error(`categorizer returned unknown category "${answer.category}"`);
      const confidence = Math.min(1, Math.max(0, Number.isFinite(answer.confidence) ? answer.confidence : 0));
      result = { id: row.id, claimToken: row.claimToken, category: answer.category, confidence, source: answer.source, version: this.categorizer.version };
      this.metrics.categorizationConfidence.observe({ categorizer: answer.source.split(':')[0] }, confidence);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { id: row.id, claimToken: row.claimToken, error: message.slice(0, 1_000) || 'categorizer failed' };
      this.logger.warn({ batch_id: row.batchId, transaction_id: row.transactionId, attempt: row.attempts, err: error }, 'categorizer failed');
    } finally {
      this.calls.release(1);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.enrichmentDuration.observe(seconds);
      this.observeCall(seconds);
    }
    return result;
  }

  /** Commits one row's result once; resolves to where the row went. */
  private async commit(row: ClaimedTransaction, result: EnrichmentResult): Promise<'pending' | 'done'> {
    const log = { batch_id: row.batchId, transaction_id: row.transactionId };
    const jobSpan = activeSpanContext();
    if (jobSpan) this.jobSpans.set(result, jobSpan);
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
