import { contextFromCarrier, inSpan, SpanKind } from '../infra/tracing.js';
import { isDatabaseAway } from '../infra/db.js';
import { DependencyUnavailableError, type JobQueue } from '../infra/queue.js';
import { JOB_KINDS, jobSubject, kindOf, type BatchJob, type EnrichmentJob, type JobKind, type JobOfKind } from './jobs.js';

export type JobHandler<K extends JobKind> = (job: JobOfKind<K>) => Promise<void>;

/** What works inside jobs and must stop taking work before the queue stops, then settle after it. */
export interface JobParticipant {
  /** Work may be taken (again). */
  open(): void;
  /** Take no more work; jobs running end their slice early. */
  close(): void;
  /** Resolves once what this participant started is over (e.g. releases still running). */
  settle(): Promise<void>;
}

/**
 * Lanes of one batch (or re-enrichment) gain nothing from running in the same process: its jobs
 * there share one claim and one set of categorizer slots. The queue spreads them over the
 * processes instead, so each process adds its slots to the batch. A webhook pass runs anywhere.
 */
const spreadKey = (job: EnrichmentJob): string | undefined => (kindOf(job) === 'webhooks' ? undefined : `${kindOf(job)} ${jobSubject(job)}`);

/**
 * The consumer side of the queue: takes jobs, at most `concurrency` at a time, and runs each by
 * the handler registered for its kind, in a span that joins the trace the job carries. Handlers
 * are registered in one place (`registerJobHandlers`); a kind without one fails start-up.
 */
export class WorkerLoop {
  private readonly handlers = new Map<JobKind, (job: EnrichmentJob) => Promise<void>>();

  constructor(
    private readonly queue: JobQueue,
    private readonly concurrency: number,
    private readonly participants: JobParticipant[] = [],
  ) {}

  register<K extends JobKind>(kind: K, handler: JobHandler<K>): this {
    if (this.handlers.has(kind)) throw new Error(`job kind "${kind}" already has a handler`);
    this.handlers.set(kind, handler as (job: EnrichmentJob) => Promise<void>);
    return this;
  }

  /** Starts consuming. Throws when a kind of job has no handler: such jobs would wait forever. */
  start(): void {
    const missing = JOB_KINDS.filter((kind) => !this.handlers.has(kind));
    if (missing.length > 0) throw new Error(`no handler registered for job kind(s) ${missing.map((k) => `"${k}"`).join(', ')}`);
    for (const participant of this.participants) participant.open();
    this.queue.consume((job) => this.run(job), this.concurrency, spreadKey);
  }

  /** Stops taking jobs; jobs running finish (their claimed rows written) before this resolves. */
  async stop(): Promise<void> {
    for (const participant of this.participants) participant.close();
    await this.queue.stopConsuming();
    await Promise.all(this.participants.map((participant) => participant.settle()));
  }

  /** Runs one job by its kind's handler. The queue calls it; tests and benchmarks may too. */
  async run(job: EnrichmentJob): Promise<void> {
    const kind = kindOf(job);
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`no handler registered for job kind "${kind}"`);
    const attributes = { 'lucro.job': jobSubject(job), 'lucro.kind': kind, 'lucro.lane': job.lane, 'lucro.generation': job.generation };
    const parent = contextFromCarrier(kind === 'batch' ? (job as BatchJob).trace : undefined);
    return inSpan('enrichment.job', { kind: SpanKind.CONSUMER, parent, attributes }, () =>
      handler(job).catch((error: unknown) => {
        // Not this job's fault: it waits for the database rather than spending its attempts.
        throw isDatabaseAway(error) ? new DependencyUnavailableError(error) : error;
      }),
    );
  }
}
