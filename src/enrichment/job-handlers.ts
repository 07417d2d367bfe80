import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../infra/logger.js';
import type { EnrichmentJob } from '../infra/queue.js';
import type { JobDispatcher } from './dispatcher.js';
import { batchRows, reenrichmentRows, type EnrichClaimedRows } from './enrich-claimed-rows.js';
import { batchHasPendingRows, markBatchesCompleted } from './enrichment.repository.js';
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

/** How long a batch job whose claims skipped locked rows waits before it hands itself on to try again. */
const LOCKED_ROWS_PAUSE_MS = 250;

/**
 * The one place where each kind of job gets its handler. A new kind of work is a name in
 * `JOB_KINDS` and one `register` here; the worker refuses to start while a kind has none.
 */
export function registerJobHandlers(loop: WorkerLoop, { pool, enrich, dispatcher, finishReenrichment, webhooks, logger }: JobHandlerDeps): WorkerLoop {
  /** Hands the rest of the work on; when that fails, the scheduler finds the rows waiting and dispatches them again. */
  const handOn = (job: EnrichmentJob, subject: string) =>
    dispatcher.handOn(job).catch((error: unknown) => logger.warn({ job: subject, err: error }, 'could not hand the work on'));

  return loop
    .register('batch', async (job) => {
      if ((await enrich.workSlice(batchRows(job.batchId))) !== 'drained') return handOn(job, job.batchId);
      if ((await markBatchesCompleted(pool, [job.batchId])).length > 0) return;
      // Its claims skipped rows another transaction held (a concurrent post of the same ids checking
      // them, another process's claim): try again shortly, rather than leave them to the scheduler's sweep.
      if (await batchHasPendingRows(pool, job.batchId)) {
        await sleep(LOCKED_ROWS_PAUSE_MS);
        await handOn(job, job.batchId);
      }
    })
    .register('reenrichment', async (job) => {
      if ((await enrich.workSlice(reenrichmentRows(job.reenrichmentId))) === 'drained') await finishReenrichment(job.reenrichmentId);
      else await handOn(job, job.reenrichmentId);
    })
    .register('webhooks', async (job) => {
      if ((await webhooks.pass()) === 'more') await handOn(job, 'webhooks');
    });
}
