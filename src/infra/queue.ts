import type { EnrichmentJob } from '../enrichment/jobs.js';

/**
 * Thrown by a job that could not run because something every job needs is away (the database): the
 * job goes back to the queue without spending one of its attempts, and the queue pauses for
 * UNAVAILABLE_PAUSE_MS. Failing it instead spent its 5 attempts in 15 s of outage, and its rows then
 * waited for the scheduler's re-dispatch (REDISPATCH_AFTER_MS) once the database was back.
 */
export class DependencyUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`a dependency is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DependencyUnavailableError';
  }
}

/** How long the queue's workers take no job after one found the database away. */
export const UNAVAILABLE_PAUSE_MS = 1_000;

export interface QueuedJob {
  /** Deduplicates: a job whose id is already waiting or running is not added again. */
  id: string;
  data: EnrichmentJob;
  /**
   * Goes to the front of the wait list, not the back: the first slice of a new batch starts at
   * once however many jobs other batches (another integration's) have waiting; continuations
   * queue at the back and take turns.
   */
  front?: boolean;
  /**
   * With `front`: when a job with this id already waits, it is moved back to the front. Jobs added
   * at the front after it (every new batch's first slice) would otherwise keep getting ahead of it,
   * for as long as batches come faster than workers start jobs (a webhook pass waited minutes
   * behind thousands, found by an audit). One that runs is left to run.
   */
  staysInFront?: boolean;
  /**
   * While a job added with the same key waits or runs, this one is not added (whatever its id): a
   * cause that recurs each period (a batch still stranded) keeps one job in the queue, not one per
   * period behind a backlog that grows by them.
   */
  dedupe?: string;
}

/**
 * Where enrichment work waits. BullMQ on Redis when REDIS_URL is set; otherwise an in-process
 * queue for the single-process default. Workers do not know which one they are fed by.
 */
export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  add(jobs: QueuedJob[]): Promise<void>;
  /**
   * Starts feeding jobs to `handler`, at most `concurrency` at a time. Jobs with the same `spreadKey`
   * (the lanes of one batch) are spread over the consuming processes: one a process receives while
   * it runs another of the same key goes back to the queue for a process that runs none of them.
   */
  consume(handler: (job: EnrichmentJob) => Promise<void>, concurrency: number, spreadKey?: SpreadKey): void;
  /** Stops taking jobs and waits for the running ones to finish. */
  stopConsuming(): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /** How long the oldest waiting job has waited, in ms; null when none waits. */
  oldestWaitingAgeMs(): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What jobs that gain nothing from running in the same process share (a batch); undefined for a job that runs anywhere. */
export type SpreadKey = (job: EnrichmentJob) => string | undefined;
