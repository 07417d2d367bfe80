import { jobSubject, type EnrichmentJob } from '../enrichment/jobs.js';
import type { Logger } from './logger.js';
import { DependencyUnavailableError, UNAVAILABLE_PAUSE_MS, type JobQueue, type QueuedJob } from './queue.js';

/**
 * A lone API process without Redis: nothing here consumes jobs, so none are kept (they would pile
 * up for ever). A worker or scheduler process finds the batches' pending rows in its sweep.
 */
export class NoConsumerQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  async add(): Promise<void> {}
  consume(): void {
    throw new Error('this process has no job queue to consume; set REDIS_URL or run `lucro start`');
  }
  async stopConsuming(): Promise<void> {}
  async depth(): Promise<number> {
    return 0;
  }
  async oldestWaitingAgeMs(): Promise<number | null> {
    return null;
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
/** The single-process default: a FIFO in memory. Lost on exit, which the scheduler makes good. */
export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly waiting: QueuedJob[] = [];
  /** Ids of jobs waiting or running, with when each was added. */
  private readonly known = new Map<string, number>();
  /** The dedupe keys of jobs waiting or running. */
  private readonly dedupeKeys = new Set<string>();
  private handler: ((job: EnrichmentJob) => Promise<void>) | undefined;
  private concurrency = 1;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  async add(jobs: QueuedJob[]): Promise<void> {
    for (const job of jobs) {
      if (job.front === true && job.staysInFront === true) {
        const waiting = this.waiting.findIndex((other) => other.id === job.id);
        if (waiting > 0) this.waiting.unshift(...this.waiting.splice(waiting, 1));
      }
      if (this.known.has(job.id) || (job.dedupe !== undefined && this.dedupeKeys.has(job.dedupe))) continue;
      this.known.set(job.id, Date.now());
      if (job.dedupe !== undefined) this.dedupeKeys.add(job.dedupe);
      if (job.front) this.waiting.unshift(job);
      else this.waiting.push(job);
    }
    this.pump();
  }

  /** One process: nowhere else to spread jobs to, so `spreadKey` is not needed. */
  consume(handler: (job: EnrichmentJob) => Promise<void>, concurrency: number): void {
    this.handler = handler;
    this.concurrency = concurrency;
    this.pump();
  }

  async stopConsuming(): Promise<void> {
    this.handler = undefined;
    await Promise.allSettled([...this.running]);
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.running.size;
  }

  async oldestWaitingAgeMs(): Promise<number | null> {
    // Not the next job: one queued at the front since may be it.
    let oldest: number | undefined;
    for (const job of this.waiting) {
      const added = this.known.get(job.id);
      if (added !== undefined && (oldest === undefined || added < oldest)) oldest = added;
    }
    return oldest === undefined ? null : Date.now() - oldest;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await this.stopConsuming();
  }

  private pump(): void {
    while (this.handler && this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as QueuedJob;
      let unavailable = false;
      const run = this.handler(job.data)
        .catch((error: unknown) => {
          unavailable = error instanceof DependencyUnavailableError;
          if (!unavailable) this.logger.warn({ job: jobSubject(job.data), err: error }, 'enrichment job failed');
        })
        .finally(() => {
          this.known.delete(job.id);
          if (job.dedupe !== undefined) this.dedupeKeys.delete(job.dedupe);
          this.running.delete(run);
          // A job that found the database away runs again a moment later, as on BullMQ.
          if (unavailable) setTimeout(() => void (this.handler && this.add([job])), UNAVAILABLE_PAUSE_MS).unref();
          else this.pump();
        });
      this.running.add(run);
    }
  }
}

