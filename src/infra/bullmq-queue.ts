import { DelayedError, Queue, RateLimitError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { jobSubject, type EnrichmentJob } from '../enrichment/jobs.js';
import { isConnectionError } from './db.js';
import type { Logger } from './logger.js';
import { DependencyUnavailableError, UNAVAILABLE_PAUSE_MS, type JobQueue, type QueuedJob, type SpreadKey } from './queue.js';
import { withTimeout } from './timeout.js';

/**
 * A job as BullMQ stores it: its payload, plus the worker ids of the processes that passed it back
 * because they ran another job of its spread key. The handler never sees `passedBy`, so a chain's
 * next generation starts with none.
 */
type StoredJob = EnrichmentJob & { passedBy?: string[] };

export const QUEUE_NAME = 'enrichment';
const ADD_TIMEOUT_MS = 2_000;
/** How long stopping waits for an answer from Redis before it cuts the connection (the drain has 30 s in all, §9). */
const STOP_GRACE_MS = 5_000;
/** While jobs finish, how often stopping asks whether Redis still answers. */
const STOP_PING_EVERY_MS = 1_000;
/**
 * A job passed back waits this long before any process may take it: the process that passed it
 * fetches again at once and must not find it, and meanwhile an idle process is woken for it.
 */
const PASS_DELAY_MS = 50;
/** REDIS_SOCKET_TIMEOUT_MS's default. */
const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;
/** The worker processes on the queue are counted (CLIENT LIST) at most this often. */
const WORKERS_COUNT_TTL_MS = 1_000;

/** What ioredis says of any command while it is not connected (enableOfflineQueue off): never the cause. */
const NOT_WRITEABLE = /Stream isn't writeable/;

export class BullMqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue<EnrichmentJob>;
  private worker: Worker<StoredJob> | undefined;
  private workerConnection: Redis | undefined;
  /** The last count of worker processes on the queue, and when it was taken. */
  private workers: { count: number; at: number } | undefined;
  /** Set when the connection could not select REDIS_URL's database: nothing is queued, and the queue is not ready. */
  private misconfigured: Error | undefined;
  /** Why the connection is down, while it is: a command refused meanwhile says only that the stream is not writeable. */
  private connectionError: Error | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
    /**
     * A connection with a command outstanding that receives nothing for this long is dropped and
     * made again: a Redis (or a network between) that keeps the connection open but never answers
     * would otherwise hold the worker's blocking fetch for good. Above BullMQ's longest wait (10 s).
     */
    private readonly socketTimeoutMs = DEFAULT_SOCKET_TIMEOUT_MS,
  ) {
    // Fail fast while Redis is down instead of queueing commands in memory: the scheduler re-dispatches.
    this.connection = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false, socketTimeout: socketTimeoutMs });
    this.connection.on('error', (error) => {
      if (!NOT_WRITEABLE.test(error.message)) this.connectionError = error;
      // ioredis stays connected to database 0 when SELECT fails: jobs would land in another database of a shared Redis.
      if (/DB index is out of range/i.test(error.message) && !this.misconfigured) {
        this.misconfigured = new Error(`REDIS_URL names database ${new URL(redisUrl).pathname.slice(1)}, which this Redis server does not have (${error.message})`);
        this.logger.error(this.misconfigured.message);
      }
      this.logger.debug({ err: error }, 'redis connection error');
    });
    this.connection.on('ready', () => {
      this.connectionError = undefined;
    });
    this.queue = new Queue<EnrichmentJob>(QUEUE_NAME, {
      connection: this.connection as unknown as ConnectionOptions,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        // Finished jobs are dropped at once so their ids can be used again; failures are kept a day for inspection.
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600, count: 1_000 },
      },
    });
    this.queue.on('error', (error) => this.logger.debug({ err: error }, 'queue error'));
  }

  /** The BullMQ queue itself, for the queue board to read. */
  get bullQueue(): Queue<EnrichmentJob> {
    return this.queue;
  }

  async add(jobs: QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (this.misconfigured) throw this.misconfigured;
    // Taken out while it waits, to go back in at the front; a running job is locked, and stays.
    const moved = jobs.filter((job) => job.front === true && job.staysInFront === true);
    if (moved.length > 0) await withTimeout(Promise.all(moved.map((job) => this.queue.remove(job.id))), ADD_TIMEOUT_MS, 'enqueue');
    await withTimeout(
      this.queue.addBulk(
        jobs.map((job) => ({
          name: 'enrich',
          data: job.data,
          // BullMQ's simple deduplication: the key holds until its job completes or fails.
          opts: { jobId: job.id, lifo: job.front === true, ...(job.dedupe === undefined ? {} : { deduplication: { id: job.dedupe } }) },
        })),
      ),
      ADD_TIMEOUT_MS,
      'enqueue',
    );
  }

  consume(handler: (job: EnrichmentJob) => Promise<void>, concurrency: number, spreadKey: SpreadKey = () => undefined): void {
    const connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null, socketTimeout: this.socketTimeoutMs });
    this.workerConnection = connection;
    connection.on('error', (error) => this.logger.debug({ err: error }, 'redis worker connection error'));
    // Back in touch: the next outage is news, said at once.
    connection.on('ready', () => {
      this.unreachableLoggedAt = 0;
    });
    /** Jobs running in this process, by spread key. */
    const running = new Map<string, number>();
    const worker = new Worker<StoredJob>(QUEUE_NAME, async (job, token) => {
      const { passedBy, ...data } = job.data;
      const key = spreadKey(data);
      if (key !== undefined && running.has(key) && token !== undefined && (await this.mayPass(worker.id, passedBy ?? []))) {
        await this.passBack(job, worker.id, token);
      }
      if (key !== undefined) running.set(key, (running.get(key) ?? 0) + 1);
      try {
        await handler(data);
      } catch (error) {
        if (!(error instanceof DependencyUnavailableError)) throw error;
        // Every worker on the queue pauses (BullMQ's manual rate limit) and the job waits, its attempts intact.
        this.logUnavailable(error);
        await worker.rateLimit(UNAVAILABLE_PAUSE_MS);
        throw new RateLimitError();
      } finally {
        if (key !== undefined) {
          const left = (running.get(key) ?? 1) - 1;
          if (left > 0) running.set(key, left);
          else running.delete(key);
        }
      }
    }, {
      connection: connection as unknown as ConnectionOptions,
      prefix: this.prefix,
      concurrency,
      // Jobs are short slices; a stalled one (its worker died) is handed to another worker quickly.
      stalledInterval: 15_000,
      maxStalledCount: 5,
    });
    this.worker = worker;
    this.worker.on('error', (error) => this.logWorkerError(error));
    this.worker.on('failed', (job, error) => this.logger.warn({ job: job && jobSubject(job.data), err: error }, 'enrichment job failed'));
  }

  /** When this process last said that jobs wait for a dependency: once a minute is enough. */
  private unavailableLoggedAt = 0;
  /** When this process last said that Redis cannot be reached (0 once it is back): BullMQ reports each reconnection, several a second. */
  private unreachableLoggedAt = 0;

  /** An outage of Redis is said once a minute, in one line; anything else the worker reports is logged as it comes. */
  private logWorkerError(error: Error): void {
    if (!isRedisUnreachable(error)) {
      this.logger.warn({ err: error }, 'queue worker error');
      return;
    }
    if (Date.now() - this.unreachableLoggedAt < 60_000) return;
    this.unreachableLoggedAt = Date.now();
    this.logger.warn({ error: error.message }, 'the queue (Redis) is unreachable: the worker reconnects by itself, and says so again in a minute if it still cannot');
  }

  private logUnavailable(error: DependencyUnavailableError): void {
    if (Date.now() - this.unavailableLoggedAt < 60_000) return;
    this.unavailableLoggedAt = Date.now();
    this.logger.warn({ err: error.cause }, 'the database is unavailable: jobs wait in the queue, their attempts intact, until it is back');
  }

  /**
   * Whether a job this process would run beside another of its spread key may go back to the queue:
   * while some worker process has not passed it yet (one of them may run none of that key), and
   * never when this is the only one, so a job cannot circle for ever. Counting the workers can fail
   * (Redis away): then the job simply runs here.
   */
  private async mayPass(workerId: string, passedBy: string[]): Promise<boolean> {
    const workers = await this.workersCount().catch(() => 1);
    return new Set([...passedBy, workerId]).size < workers && passedBy.length < 2 * workers;
  }

  /** Worker processes on this queue: their blocking connections, which BullMQ names (1 where Redis cannot list its clients). */
  private async workersCount(): Promise<number> {
    if (!this.workers || Date.now() - this.workers.at > WORKERS_COUNT_TTL_MS) {
      this.workers = { count: await withTimeout(this.queue.getWorkersCount(), ADD_TIMEOUT_MS, 'counting workers'), at: Date.now() };
    }
    return this.workers.count;
  }

  /**
   * Gives a job back to the queue, untouched, under its own id (a chain still has one job), after
   * PASS_DELAY_MS; it records who passed it. Throws BullMQ's DelayedError, which ends this run of the
   * job without counting an attempt. A crash half-way leaves the job active: the stalled check puts
   * it back.
   */
  private async passBack(job: Job<StoredJob>, workerId: string, token: string): Promise<never> {
    const passedBy = [...(job.data.passedBy ?? []), workerId];
    await job.updateData({ ...job.data, passedBy });
    await job.moveToDelayed(Date.now() + PASS_DELAY_MS, token);
    this.logger.debug({ job: jobSubject(job.data), lane: job.data.lane, passes: passedBy.length }, 'job passed back to the queue');
    throw new DelayedError();
  }

  async stopConsuming(): Promise<void> {
    const worker = this.worker;
    const connection = this.workerConnection;
    this.worker = undefined;
    this.workerConnection = undefined;
    if (worker) {
      // A graceful close waits for the running jobs, however long their categorizer calls take (the
      // drain's deadline bounds it). With Redis gone it would wait for ever to acknowledge them, so
      // once Redis stops answering the connection is cut, which fails what waits on it: an
      // unacknowledged job is later handed on as stalled, and its rows are claimed again safely
      // (their claims are guarded; the drain gives back what this process still holds).
      //
      // BullMQ's close interrupts the worker's blocking fetch by disconnecting its blocking connection
      // and waiting for that connection to end. One that is reconnecting at that moment (Redis came
      // back a moment ago, or dropped it: an outage, the socket timeout) never ends: ioredis clears
      // its retry timer and has no socket left to close, so close() would wait for ever while Redis
      // answers every ping (taskforcesh/bullmq#4656). So the worker is closed once that connection is
      // up again, which takes one of ioredis' retries (at most 2 s apart) while Redis answers.
      const closing = worker
        .getBackend()
        .reconnectBlocking()
        .catch(() => {})
        .then(() => worker.close());
      await Promise.race([closing, connection ? untilUnanswered(connection, closing) : closing]).catch(async (error: unknown) => {
        this.logger.warn({ reason: (error as Error).message }, 'the queue did not answer while stopping; disconnecting from it');
        connection?.disconnect();
        // Redis is gone: the worker is closed at once (force), without waiting for its jobs' acknowledgements or its blocking connection.
        await withTimeout(worker.close(true), STOP_GRACE_MS, 'closing the queue worker').catch(() => {});
      });
    }
    // BullMQ leaves a connection it was given open; an open socket would keep the process alive.
    connection?.disconnect();
  }

  async depth(): Promise<number> {
    const counts = await withTimeout(this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children'), ADD_TIMEOUT_MS, 'queue depth');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async oldestWaitingAgeMs(): Promise<number | null> {
    // The queue shares the connection: it is ready once the queue is.
    const read = async () => {
      await this.queue.waitUntilReady();
      return (await this.connection.eval(OLDEST_WAITING_SCRIPT, 1, this.queue.toKey('wait'), this.queue.toKey(''))) as string | null;
    };
    const added = await withTimeout(read(), ADD_TIMEOUT_MS, 'oldest job');
    return added === null ? null : Math.max(0, Date.now() - Number(added));
  }

  async ping(): Promise<void> {
    try {
      await withTimeout(this.connection.ping(), ADD_TIMEOUT_MS, 'redis ping');
    } catch (error) {
      if (this.connection.status === 'ready') throw error;
      throw this.connectionError ?? new Error(`Redis has not answered yet (connection ${this.connection.status})`);
    }
    if (this.misconfigured) throw this.misconfigured;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    await withTimeout(this.queue.close(), STOP_GRACE_MS, 'closing the queue').catch(() => {});
    this.connection.disconnect();
  }
}

/**
 * When the oldest job waiting was added. Workers take from the tail of BullMQ's wait list; a job
 * queued at the back is pushed at the head, one queued at the front at the tail. So from head to
 * tail, times fall through the back-queued jobs to the oldest of them, then rise through the
 * front-queued ones from the oldest: the oldest job stands where the two meet, found by halving
 * (a few reads, not the list). The two ends are read too, for a job put back out of order. The
 * job at the tail, which this used to read, is the newest front-queued one while batches come.
 */
const OLDEST_WAITING_SCRIPT = `
local length = redis.call('LLEN', KEYS[1])
if length == 0 then return false end
local function at(i)
  local id = redis.call('LINDEX', KEYS[1], i)
  if not id then return nil end
  return tonumber(redis.call('HGET', ARGV[1] .. id, 'timestamp'))
end
-- A job whose data is gone (an orphaned id) is passed over: the nearest job with a time at or
-- before i (step -1), or at or after it (step 1), within 16.
local function added(i, step)
  for d = 0, 16 do
    local j = i + d * step
    if j < 0 or j >= length then return nil end
    local t = at(j)
    if t then return t end
  end
  return nil
end
local low, high = 0, length - 1
while low < high do
  local middle = math.floor((low + high) / 2)
  local a, b = added(middle, -1), added(middle + 1, 1)
  if a == nil or b == nil then break end
  if a > b then low = middle + 1 else high = middle end
end
local oldest = added(low, -1) or added(low, 1)
for _, i in ipairs({0, length - 1}) do
  local t = added(i, i == 0 and 1 or -1)
  if t and (oldest == nil or t < oldest) then oldest = t end
end
if oldest == nil then return false end
return tostring(oldest)
`;
/** Rejects once Redis leaves a ping unanswered for STOP_GRACE_MS; stops asking once `done` settles. */
async function untilUnanswered(connection: Redis, done: Promise<unknown>): Promise<never> {
  let over = false;
  const stop = () => {
    over = true;
  };
  done.then(stop, stop);
  while (!over) {
    await new Promise((resolve) => setTimeout(resolve, STOP_PING_EVERY_MS));
    if (!over) await withTimeout(connection.ping(), STOP_GRACE_MS, 'the queue while stopping');
  }
  return new Promise<never>(() => {});
}

/**
 * A Redis connection that failed as a server that is not there fails (the network failures
 * isConnectionError knows, as OutageLog reads them), or ioredis's own words for a connection it is
 * making again: an outage, which ioredis retries by itself, not a fault of this process.
 */
function isRedisUnreachable(error: Error): boolean {
  return isConnectionError(error) || NOT_WRITEABLE.test(error.message) || /Connection is closed|connect ETIMEDOUT/.test(error.message);
}
