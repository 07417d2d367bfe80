import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { JobDispatcher } from '../src/enrichment/dispatcher.js';
import { createLogger } from '../src/infra/logger.js';
import type { EnrichmentJob } from '../src/enrichment/jobs.js';
import { BullMqQueue } from '../src/infra/bullmq-queue.js';
import { InProcessQueue } from '../src/infra/in-process-queue.js';
import type { JobQueue } from '../src/infra/queue.js';
import { testRedisUrl, waitFor } from './helpers/processes.js';

/** The BullMQ queue on a real Redis, each test on a prefix of its own. */
let queue: BullMqQueue | undefined;
afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

describe('re-dispatches on a BullMQ queue', () => {
  it('when a batch stays stranded period after period while its re-dispatch waits behind a backlog, then one job waits for it, and one more once that has run', async () => {
    queue = new BullMqQueue(testRedisUrl(), `lucro-test-q-${randomBytes(4).toString('hex')}`, createLogger('silent', 'test', 'json'));
    const dispatcher = new JobDispatcher(queue);
    const batchId = randomUUID();
    for (const period of [1, 2, 3]) await dispatcher.redispatch(batchId, `stranded${period}`);
    for (const bucket of [1, 2]) await dispatcher.reenrichmentStalled('ree_1', bucket);
    // Rows reclaimed in a sweep are another cause: that job is queued beside the stranded one.
    await dispatcher.redispatch(batchId, 'sweep9');
    expect(await queue.depth()).toBe(3);

    const ran: EnrichmentJob[] = [];
    queue.consume(async (job) => void ran.push(job), 1);
    await waitFor(async () => ran.length === 3, 10_000, 'the three jobs to run');
    await dispatcher.redispatch(batchId, 'stranded4');
    await waitFor(async () => ran.length === 4, 10_000, 'the next period\'s re-dispatch to run');
    await queue.stopConsuming();
    expect(ran.filter((job) => job.kind !== 'reenrichment')).toHaveLength(3);
  });
});

/** Each queue a test runs on, made fresh: BullMQ on a prefix of its own (closed after the test), and the in-process one. */
const QUEUES: Record<string, () => JobQueue> = {
  'BullMQ on Redis': () => (queue = new BullMqQueue(testRedisUrl(), `lucro-test-q-${randomBytes(4).toString('hex')}`, createLogger('silent', 'test', 'json'))),
  'the in-process queue': () => new InProcessQueue(createLogger('silent', 'test', 'json')),
};

describe('a webhook pass while new batches keep coming', () => {
  for (const [name, make] of Object.entries(QUEUES)) {
    it(`when new batches are queued at the front after a waiting webhook pass (${name}), then the watch asking again puts the pass back in front of them`, async () => {
      const jobs = make();
      const dispatcher = new JobDispatcher(jobs);
      await dispatcher.webhooksDue('watch');
      for (let i = 0; i < 3; i += 1) await dispatcher.batchAccepted(randomUUID(), 10);
      await dispatcher.webhooksDue('watch');
      expect(await jobs.depth()).toBe(4);

      const ran: string[] = [];
      jobs.consume(async (job) => void ran.push(job.kind ?? 'batch'), 1);
      await waitFor(async () => ran.length === 4, 10_000, 'the four jobs to run');
      await jobs.stopConsuming();
      expect(ran).toEqual(['webhooks', 'batch', 'batch', 'batch']);
    });
  }
});

describe('the age of the oldest waiting job', () => {
  for (const [name, make] of Object.entries(QUEUES)) {
    it(`when jobs wait at the back and new batches keep being queued at the front (${name}), then it is the age of the oldest, not of the next`, async () => {
      const jobs = make();
      const dispatcher = new JobDispatcher(jobs);
      expect(await jobs.oldestWaitingAgeMs()).toBeNull();
      await dispatcher.reenrichmentAccepted(randomUUID(), 10);
      await sleep(300);
      await dispatcher.reenrichmentAccepted(randomUUID(), 10);
      await sleep(900);
      for (let i = 0; i < 5; i += 1) await dispatcher.batchAccepted(randomUUID(), 10);
      expect(await jobs.oldestWaitingAgeMs()).toBeGreaterThanOrEqual(1_150);
    });
  }
});

describe('the age of the oldest waiting job, with an orphaned id', () => {
  it('when a waiting job\'s data is gone from Redis (BullMQ), then the oldest job is still found past it', async () => {
    const prefix = `lucro-test-q-${randomBytes(4).toString('hex')}`;
    const bull = (queue = new BullMqQueue(testRedisUrl(), prefix, createLogger('silent', 'test', 'json')));
    const dispatcher = new JobDispatcher(bull);
    await dispatcher.reenrichmentAccepted(randomUUID(), 10);
    await sleep(300);
    const later = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of later) await dispatcher.reenrichmentAccepted(id, 10);
    await sleep(900);
    for (let i = 0; i < 4; i += 1) await dispatcher.batchAccepted(randomUUID(), 10);
    // One job's hash is lost (an eviction, a hand-made deletion); its id stays in the wait list.
    const [lost] = (await bull.bullQueue.getJobs(['wait'])).filter((j) => j.data.kind === 'reenrichment' && j.data.reenrichmentId === later[1]);
    const redis = new Redis(testRedisUrl());
    await redis.del(bull.bullQueue.toKey(lost?.id ?? ''));
    redis.disconnect();
    expect(await bull.oldestWaitingAgeMs()).toBeGreaterThanOrEqual(1_150);
  });
});
