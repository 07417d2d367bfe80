import { describe, expect, it } from 'vitest';
import { createLogger } from '../infra/logger.js';
import { InProcessQueue } from '../infra/in-process-queue.js';
import type { EnrichmentJob } from './jobs.js';
import { JobDispatcher, jobId } from './dispatcher.js';
import { WorkerLoop } from './worker-loop.js';

const logger = createLogger('silent', 'test', 'json');

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('worker loop', () => {
  it('when a kind of job has no handler, then the worker refuses to start and names the kind', () => {
    const loop = new WorkerLoop(new InProcessQueue(logger), 4).register('batch', async () => {});
    expect(() => loop.start()).toThrow('no handler registered for job kind(s) "reenrichment", "webhooks"');
  });

  it('when a kind is registered twice, then registration fails', () => {
    const loop = new WorkerLoop(new InProcessQueue(logger), 4).register('batch', async () => {});
    expect(() => loop.register('batch', async () => {})).toThrow('job kind "batch" already has a handler');
  });

  it('when jobs of every kind are dispatched, then each runs by its own handler, and a chain is handed on under a new id', async () => {
    const queue = new InProcessQueue(logger);
    const dispatcher = new JobDispatcher(queue, { maxLanes: 8, rowsPerLane: 250 });
    const seen: EnrichmentJob[] = [];
    const loop = new WorkerLoop(queue, 4);
    loop.register('batch', async (job) => {
      seen.push(job);
      if (job.generation === 0) await dispatcher.handOn(job);
    });
    loop.register('reenrichment', async (job) => {
      seen.push(job);
    });
    loop.register('webhooks', async (job) => {
      seen.push(job);
    });
    loop.start();
    await dispatcher.batchAccepted('b1', 600);
    await dispatcher.reenrichmentAccepted('r1', 10);
    await dispatcher.webhooksDue('due');
    await until(() => seen.length === 8);
    await loop.stop();

    expect(seen.map(jobId).sort()).toEqual(['b1.0.0', 'b1.0.1', 'b1.1.0', 'b1.1.1', 'b1.2.0', 'b1.2.1', 'r-r1.0.0', 'webhooks.0.0']);
  });

  it('when the same re-dispatch is asked for twice while the first waits, then one job runs', async () => {
    const queue = new InProcessQueue(logger);
    const dispatcher = new JobDispatcher(queue);
    await dispatcher.redispatch('b2', 'stranded7');
    await dispatcher.redispatch('b2', 'stranded7');
    await dispatcher.reenrichmentStalled('r2', 3);
    await dispatcher.reenrichmentStalled('r2', 3);
    expect(await queue.depth()).toBe(2);
  });

  it('when a batch is still stranded in the next periods while its first re-dispatch waits, then no more are queued, and one is again once that has run', async () => {
    const queue = new InProcessQueue(logger);
    const dispatcher = new JobDispatcher(queue);
    for (const period of [7, 8, 9]) await dispatcher.redispatch('b3', `stranded${period}`);
    for (const bucket of [3, 4]) await dispatcher.reenrichmentStalled('r3', bucket);
    expect(await queue.depth()).toBe(2);
    const ran: string[] = [];
    const loop = new WorkerLoop(queue, 1)
      .register('batch', async (job) => void ran.push(`batch ${job.batchId}`))
      .register('reenrichment', async (job) => void ran.push(`reenrichment ${job.reenrichmentId}`))
      .register('webhooks', async () => {});
    loop.start();
    await until(() => ran.length === 2);
    await dispatcher.redispatch('b3', 'stranded10');
    await until(() => ran.length === 3);
    await loop.stop();
    expect(ran).toEqual(['batch b3', 'reenrichment r3', 'batch b3']);
  });
});
