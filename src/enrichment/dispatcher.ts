import { currentTraceCarrier } from '../infra/tracing.js';
import type { JobQueue } from '../infra/queue.js';
import type { BatchJob, EnrichmentJob, ReenrichmentJob } from './jobs.js';
import type { EnrichmentDispatcher } from '../ingestion/ingestion.service.js';

/**
 * The job id of a job; BullMQ ids may not contain ':'. Ids deduplicate: a job whose id waits or
 * runs is not added again. Every id is made in this file, and these are all there are:
 * - `<batch>.<lane>.<generation>` and `r-<reenrichment>.<lane>.<generation>`: a lane's chain.
 *   Dispatch starts lanes 0…n−1 at generation 0; a slice that leaves work hands on generation + 1.
 * - `<batch>.<tag>`: a re-dispatch of a batch whose rows wait with nothing working on them. The
 *   tag says why and when (`sweep<n>`: rows reclaimed in sweep interval n; `stranded<n>`: no claim
 *   for REDISPATCH_AFTER_MS, period n; `unlock-<row>-<ms>`: a correction taken back), so there is at
 *   most one per batch per cause and period (and one `stranded` waiting or running at a time). It
 *   continues as the chain of lane 0.
 * - `r-<reenrichment>.stalled<n>`: the same for a re-enrichment whose rows wait untouched (one at a time).
 * - `webhooks.<tag>` starts a chain of delivery passes (`webhooks.<lane>.<generation>` after it):
 *   `due` when a request made a delivery due, `watch` when a worker's watch found one due. A
 *   process runs one pass at a time (a second finds the first and ends), so there are at most as
 *   many chains as worker processes; a chain ends when nothing is due or in flight.
 *
 * Invariants: a chain has at most one job at a time, because only the job that ran generation g
 * adds generation g + 1 (after its slice ends) and the id of g + 1 is new; a re-dispatch may run
 * beside a chain, which is harmless because claims skip each other's rows (SKIP LOCKED) and a
 * job that finds nothing to claim ends its chain. So a batch has at most lanes + (re-dispatches
 * in flight) jobs, however long it runs. A job a worker process passes back to the queue (it runs
 * another of the batch's jobs, see `consume` in infra/bullmq-queue.ts) keeps its id: it is the same job.
 */
export function jobId(job: EnrichmentJob): string {
  const subject = job.kind === 'reenrichment' ? `r-${job.reenrichmentId}` : job.kind === 'webhooks' ? 'webhooks' : job.batchId;
  return `${subject}.${job.lane}.${job.generation}`;
}

export interface DispatcherOptions {
  /** A batch is split into at most this many parallel lanes, so every worker process can share it. */
  maxLanes?: number;
  /**
   * Rows per lane below which a batch gets fewer lanes (default 500). A lane is a job, and a job
   * ends with a claim that finds its batch empty: at latency 0 one job claims most of a 1,000-row
   * batch at once, and the claims that find nothing walk the index entries of the rows just taken.
   * Enriching at latency 0 (bench, 2 workers): a lane per 250 rows 0.45× the trigger-free loop,
   * per 500 rows 0.53×, per 1,000 rows 0.55× — but then a 1,000-row batch is one job, which one
   * process works alone however slow the categorizer.
   */
  rowsPerLane?: number;
}

/** Lanes of one re-enrichment: enough for several workers, few enough that new batches keep their turns. */
const REENRICHMENT_MAX_LANES = 2;
const REENRICHMENT_ROWS_PER_LANE = 500;

/** Puts work on the queue. The only place that makes job ids (see `jobId`). */
export class JobDispatcher implements EnrichmentDispatcher {
  readonly maxLanes: number;
  private readonly rowsPerLane: number;

  constructor(
    private readonly queue: JobQueue,
    options: DispatcherOptions = {},
  ) {
    this.maxLanes = options.maxLanes ?? 8;
    this.rowsPerLane = options.rowsPerLane ?? 500;
  }

  /**
   * Dispatches a newly stored batch: enough lanes that several workers can share it, at the front
   * of the queue, so its first slice starts while other integrations' batches are worked.
   */
  async batchAccepted(batchId: string, accepted: number): Promise<void> {
    const lanes = laneCount(accepted, this.maxLanes, this.rowsPerLane);
    // The request's trace travels with the jobs, so the worker's spans join it.
    const carrier = currentTraceCarrier();
    const trace = Object.keys(carrier).length > 0 ? { trace: carrier } : {};
    const jobs = Array.from({ length: lanes }, (_, lane): BatchJob => ({ batchId, lane, generation: 0, ...trace }));
    await this.queue.add(jobs.map((data) => ({ id: jobId(data), data, front: true })));
  }

  /**
   * Queues one more job for a batch whose rows wait with nothing working on them; `tag` says why and
   * when. A `stranded<n>` one is not added while an earlier one of the batch waits or runs: behind a
   * backlog every open batch looks stranded, and one more job each per period would grow the queue by
   * thousands.
   */
  async redispatch(batchId: string, tag: string): Promise<void> {
    const dedupe = /^stranded\d+$/.test(tag) ? { dedupe: `${batchId}.stranded` } : {};
    await this.queue.add([{ id: `${batchId}.${tag}`, data: { batchId, lane: 0, generation: 0 }, ...dedupe }]);
  }

  /** Dispatches a re-enrichment whose rows were sent back (§11). */
  async reenrichmentAccepted(reenrichmentId: string, transactions: number): Promise<void> {
    const lanes = laneCount(transactions, REENRICHMENT_MAX_LANES, REENRICHMENT_ROWS_PER_LANE);
    const jobs = Array.from({ length: lanes }, (_, lane): ReenrichmentJob => ({ kind: 'reenrichment', reenrichmentId, lane, generation: 0 }));
    await this.queue.add(jobs.map((data) => ({ id: jobId(data), data })));
  }

  /** Queues one more job for a re-enrichment whose rows wait untouched; one per `bucket`, and none while an earlier one waits or runs. */
  async reenrichmentStalled(reenrichmentId: string, bucket: number): Promise<void> {
    const data: ReenrichmentJob = { kind: 'reenrichment', reenrichmentId, lane: 0, generation: 0 };
    await this.queue.add([{ id: `r-${reenrichmentId}.stalled${bucket}`, data, dedupe: `r-${reenrichmentId}.stalled` }]);
  }

  /**
   * Starts a pass over the due webhook deliveries, unless one with the same tag runs. It goes to the
   * front of the queue, and one that waits goes back there: a delivery is a push, and at the back
   * it waited out whatever enrichment backlog there was (minutes, behind thousands of jobs). The
   * watch asks again every WEBHOOK_POLL_INTERVAL_MS while deliveries are due.
   */
  async webhooksDue(tag: 'due' | 'watch'): Promise<void> {
    await this.queue.add([{ id: `webhooks.${tag}`, data: { kind: 'webhooks', lane: 0, generation: 0 }, front: true, staysInFront: true }]);
  }

  /**
   * Continues a job's chain at the back of the queue, so other work takes its turn first. (A pass
   * over webhook deliveries that leaves some due is followed sooner: the watch, which looks every
   * WEBHOOK_POLL_INTERVAL_MS, starts the next one at the front.)
   */
  async handOn(job: EnrichmentJob): Promise<void> {
    const next: EnrichmentJob = { ...job, generation: job.generation + 1 };
    await this.queue.add([{ id: jobId(next), data: next }]);
  }
}

function laneCount(rows: number, maxLanes: number, rowsPerLane: number): number {
  return Math.max(1, Math.min(maxLanes, Math.ceil(rows / rowsPerLane)));
}
