import type { TraceCarrier } from '../infra/tracing.js';

/*
 * The kinds of job the queue carries. A new kind is its payload here, one entry in JobsByKind and
 * SUBJECTS (the compiler asks for it), and one handler in job-handlers.ts (start-up asks for it).
 */

export interface BatchJob {
  /** Absent on jobs queued before re-enrichment existed. */
  kind?: 'batch';
  batchId: string;
  /** Which of the batch's parallel lanes this job continues. */
  lane: number;
  /** How many times this lane has been handed on; makes each continuation's id unique. */
  generation: number;
  /** W3C trace context of the request that created the batch, so the worker's spans join its trace. */
  trace?: TraceCarrier;
}

export interface ReenrichmentJob {
  kind: 'reenrichment';
  reenrichmentId: string;
  lane: number;
  generation: number;
}

export interface WebhooksJob {
  kind: 'webhooks';
  lane: number;
  generation: number;
}

interface JobsByKind {
  batch: BatchJob;
  reenrichment: ReenrichmentJob;
  webhooks: WebhooksJob;
}

export type JobKind = keyof JobsByKind;
export type JobOfKind<K extends JobKind> = JobsByKind[K];

/**
 * The payload of a job: a slice of work, never a single row. Three kinds share the workers and
 * take turns in one queue: a batch's new rows, a re-enrichment's rows (§11), and a pass over the
 * webhook deliveries that are due (§13).
 */
export type EnrichmentJob = JobsByKind[JobKind];

/** What a job of each kind works on. */
const SUBJECTS: { [K in JobKind]: (job: JobOfKind<K>) => string } = {
  batch: (job) => job.batchId,
  reenrichment: (job) => job.reenrichmentId,
  webhooks: () => 'webhooks',
};

/** Every kind of job the queue carries. A kind without a handler keeps the worker from starting. */
export const JOB_KINDS = Object.keys(SUBJECTS) as readonly JobKind[];

export function kindOf(job: EnrichmentJob): JobKind {
  // Jobs queued before kinds existed carry none: they are batches.
  return job.kind ?? 'batch';
}

/** What a job works on, for logs and for taking turns. */
export function jobSubject(job: EnrichmentJob): string {
  return (SUBJECTS[kindOf(job)] as (job: EnrichmentJob) => string)(job);
}
