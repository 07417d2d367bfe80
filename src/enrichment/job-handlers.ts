import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../infra/logger.js';
import type { JobDispatcher } from './dispatcher.js';
import { batchRows, reenrichmentRows, type EnrichClaimedRows } from './enrich-claimed-rows.js';
import { hasPendingRows, markBatchesCompleted } from './enrichment.repository.js';
import type { EnrichmentJob } from './jobs.js';
import type { WorkerLoop } from './worker-loop.js';

export interface JobHandlerDeps {
  pool: pg.Pool;
  enrich: EnrichClaimedRows;
  dispatcher: JobDispatcher;
  /** Stamps a re-enrichment completed (with its event) once its rows are all done. */
  finishReenrichment: (reenrichmentId: string) => Promise<void>;
  /** Sends the webhook deliveries that are due, one pass per job. */
  webhooks: { pass(): Promise<'more' | 'idle'> };
  logger: Logger;
}

/** How long a job whose claims skipped locked rows waits before it hands itself on to try again. */
const LOCKED_ROWS_PAUSE_MS = 250;

/**
 * The one place where each kind of job gets its handler. A new kind of work is its payload in
 * jobs.ts and one `register` here; the worker refuses to start while a kind has none.
 */
export function registerJobHandlers(loop: WorkerLoop, { pool, enrich, dispatcher, finishReenrichment, webhooks, logger }: JobHandlerDeps): WorkerLoop {
  /** Hands the rest of the work on; when that fails, the scheduler finds the rows waiting and dispatches them again. */
  const handOn = (job: EnrichmentJob, subject: string) =>
    dispatcher.handOn(job).catch((error: unknown) => logger.warn({ job: subject, err: error }, 'could not hand the work on'));

  /**
   * A job found nothing more it could claim, yet rows of its work still wait: its claims skipped rows
   * another transaction held (a concurrent post of the same ids comparing them, a correction, another
   * process's claim). It tries again shortly rather than leave them to the scheduler's sweep.
   */
  const retryLockedRows = async (job: EnrichmentJob, of: 'batch_id' | 'reenrichment_id', id: string) => {
    if (!(await hasPendingRows(pool, of, id))) return;
    await sleep(LOCKED_ROWS_PAUSE_MS);
    await handOn(job, id);
  };

  return loop
    .register('batch', async (job) => {
      if ((await enrich.workSlice(batchRows(job.batchId))) !== 'drained') return handOn(job, job.batchId);
      if ((await markBatchesCompleted(pool, [job.batchId])).length > 0) return;
      await retryLockedRows(job, 'batch_id', job.batchId);
    })
    .register('reenrichment', async (job) => {
      if ((await enrich.workSlice(reenrichmentRows(job.reenrichmentId))) !== 'drained') return handOn(job, job.reenrichmentId);
      await finishReenrichment(job.reenrichmentId);
      await retryLockedRows(job, 'reenrichment_id', job.reenrichmentId);
    })
    .register('webhooks', async (job) => {
      if ((await webhooks.pass()) === 'more') await handOn(job, 'webhooks');
    });
}
