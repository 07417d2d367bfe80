import type { Logger } from '../infra/logger.js';
import type { JobDispatcher } from './dispatcher.js';
import type { EnrichmentJob } from './jobs.js';
import type { SliceService } from './slice.service.js';
import type { WorkerLoop } from './worker-loop.js';

export interface JobHandlerDeps {
  slices: Pick<SliceService, 'advanceBatch' | 'advanceReenrichment'>;
  dispatcher: JobDispatcher;
  /** Sends the webhook deliveries that are due, one pass per job. */
  webhooks: { pass(): Promise<'more' | 'idle'> };
  logger: Logger;
}

/**
 * The one place where each kind of job gets its handler. A new kind of work is its payload in
 * jobs.ts and one `register` here; the worker refuses to start while a kind has none.
 */
export function registerJobHandlers(loop: WorkerLoop, { slices, dispatcher, webhooks, logger }: JobHandlerDeps): WorkerLoop {
  /** Hands the rest of the work on; when that fails, the scheduler finds the rows waiting and dispatches them again. */
  const handOn = (job: EnrichmentJob, subject: string) =>
    dispatcher.handOn(job).catch((error: unknown) => logger.warn({ job: subject, err: error }, 'could not hand the work on'));

  return loop
    .register('batch', async (job) => {
      if ((await slices.advanceBatch(job.batchId)) === 'more') await handOn(job, job.batchId);
    })
    .register('reenrichment', async (job) => {
      if ((await slices.advanceReenrichment(job.reenrichmentId)) === 'more') await handOn(job, job.reenrichmentId);
    })
    .register('webhooks', async (job) => {
      if ((await webhooks.pass()) === 'more') await handOn(job, 'webhooks');
    });
}
