import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchBody, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { freePort, startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/** Worker processes against real PostgreSQL and Redis, each test with its own queue prefix. */
let ctx: TestContext;
let key: string;
const started: LucroProcess[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest']);
});
afterEach(async () => {
  // A test that failed before stopping its processes must not leave them running: on this test's
  // database they would take back the next tests' leases (one failed assertion once failed two more).
  const running = started.splice(0).filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  for (const p of running) p.child.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
});
afterAll(() => ctx.close());

function prefix(): string {
  return `lucro-test-${randomBytes(4).toString('hex')}`;
}

function lucro(args: string[], env: Record<string, string>): LucroProcess {
  const p = startLucro(args, { DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), ...env });
  started.push(p);
  return p;
}

async function statusCounts(batchId: string): Promise<Record<string, number>> {
  const { rows } = await ctx.sql.query('SELECT status, count(*)::int AS n FROM transactions WHERE batch_id = $1 GROUP BY status', [batchId]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Starts a worker on a queue of its own, hands it a 300-row batch of slow calls and SIGKILLs it once
 * it holds rows: the environment to start others with, the batch, and how many rows it left processing.
 */
async function killWorkerMidBatch(accountId: string): Promise<{ env: Record<string, string>; batchId: string; orphaned: number }> {
  const env = { QUEUE_PREFIX: prefix(), ENRICHMENT_LATENCY_MS: '300-600', WORKER_CONCURRENCY: '50', PROCESSING_LEASE_MS: '2000', SCHEDULER_INTERVAL_MS: '500' };
  const victim = lucro(['worker'], env);
  await victim.waitForLog((l) => l.msg === 'worker started');
  const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: env.QUEUE_PREFIX });
  let batchId: string;
  try {
    batchId = await ingestBatch(api, key, batchBody(300, { accountId }));
  } finally {
    await api.close().catch(() => {});
  }
  await waitFor(async () => ((await statusCounts(batchId)).processing ?? 0) > 0, 20_000, 'the victim to claim rows');
  victim.child.kill('SIGKILL');
  expect(await victim.exited).toBe('SIGKILL');
  const orphaned = (await statusCounts(batchId)).processing ?? 0;
  expect(orphaned).toBeGreaterThan(0);
  return { env, batchId, orphaned };
}

/** A TCP proxy in front of the test Redis, and the Redis URL through it. */
async function redisProxy(): Promise<{ proxy: TcpProxy; viaProxy: URL }> {
  const redis = new URL(testRedisUrl());
  const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
  await proxy.start();
  const viaProxy = new URL(testRedisUrl());
  viaProxy.port = String(proxy.port);
  return { proxy, viaProxy };
}

describe('worker processes on BullMQ', () => {
  it('when four worker processes share one 2,000-row batch, then every row completes, each enrichment is committed exactly once, and each process enriches about a quarter of the rows', async () => {
    const queuePrefix = prefix();
    // 2,000 rows are 4 lanes (jobs), and a process runs up to 16 jobs, so BullMQ may hand one
    // process two lanes while another has none; the process passes the second back to the queue
    // until one that works none of the batch takes it. With 40-80 ms calls the batch is over in a
    // few seconds, one or two hand-ons per lane: without the passing, a process that started with two
    // lanes usually kept both (the worker that finishes a job fetches the next one at once), and the
    // fewest rows a process enriched were 270-340 in 5 runs of 6 (measured; bench/lanes.ts shows the
    // same); with it, 439-482 in 6 runs of 6, also on a loaded machine.
    const env = { QUEUE_PREFIX: queuePrefix, ENRICHMENT_LATENCY_MS: '40-80', WORKER_CONCURRENCY: '8', LOG_LEVEL: 'debug' };
    const workers = Array.from({ length: 4 }, () => lucro(['worker'], env));
    await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === 'worker started')));

    const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queuePrefix });
    try {
      /** One 2,000-row batch through the four processes: the rows each enriched, each row committed once. */
      const share = async (accountId: string) => {
        const batchId = await ingestBatch(api, key, batchBody(2_000, { accountId }));
        await waitFor(async () => (await statusCounts(batchId)).completed === 2_000, 120_000, 'all 2,000 rows to complete');
        const { rows } = await ctx.sql.query(
          'SELECT min(enrichment_commits)::int AS lo, max(enrichment_commits)::int AS hi, max(attempts)::int AS attempts FROM transactions WHERE batch_id = $1',
          [batchId],
        );
        expect(rows[0]).toEqual({ lo: 1, hi: 1, attempts: 1 });
        // Each process logs the rows it enriched. A row is visible as completed a moment before its
        // worker's log line arrives through the pipe.
        const mine = (w: (typeof workers)[number]) => w.lines.filter((l) => l.msg === 'transaction enriched' && l.batch_id === batchId);
        await waitFor(async () => workers.reduce((sum, w) => sum + mine(w).length, 0) >= 2_000, 10_000, 'every worker to log its enriched rows');
        expect(new Set(workers.flatMap((w) => mine(w).map((l) => l.transaction_id))).size).toBe(2_000);
        return workers.map((w) => mine(w).length);
      };
      // An even share is 500; a process that worked two lanes while another worked none leaves one below
      // 375. Now and then a lane reaches the idle process late and it ends near 330 (1 run of 12 at
      // 3063d45, 3 of 11 later, measured): the next batch is then the measure, up to three. Without the
      // passing, 5 runs of 6 left one at 270-340, so three batches in a row would still fail it most
      // of the time.
      let perWorker = await share('MP-1');
      for (let next = 2; next <= 3 && Math.min(...perWorker) < 375; next++) perWorker = await share(`MP-${next}`);
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(2_000);
      for (const n of perWorker) expect(n, `rows enriched per process: ${perWorker.join(', ')}`).toBeGreaterThanOrEqual(375);
    } finally {
      await api.close().catch(() => {});
    }
    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
  }, 180_000);

  it('when a worker is killed with SIGKILL mid-batch, then another completes its rows after the lease expires, each committed once', async () => {
    const { env, batchId, orphaned } = await killWorkerMidBatch('MP-KILL');
    const rescuer = lucro(['worker'], env);
    const scheduler = lucro(['scheduler'], env);
    await waitFor(async () => (await statusCounts(batchId)).completed === 300, 60_000, 'the rescuer to complete every row');
    const { rows } = await ctx.sql.query(
      `SELECT count(*) FILTER (WHERE enrichment_commits = 1)::int AS once, count(*) FILTER (WHERE attempts = 2)::int AS retried
         FROM transactions WHERE batch_id = $1`,
      [batchId],
    );
    expect(rows[0].once).toBe(300);
    // The rows the dead worker held were claimed twice: its lost attempt counts.
    expect(rows[0].retried).toBeGreaterThanOrEqual(orphaned);
    // Whichever looked first, the scheduler or the other worker, took them back.
    expect([rescuer, scheduler].some((p) => p.lines.some((l) => l.msg === 'reclaimed expired processing leases'))).toBe(true);
    rescuer.child.kill('SIGTERM');
    scheduler.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
    expect(await scheduler.exited).toBe(0);
  }, 120_000);

  it('when a worker is killed with SIGKILL mid-batch and no scheduler runs, then another worker takes its rows back after the lease expires and completes them, each committed once', async () => {
    const { env, batchId } = await killWorkerMidBatch('MP-NOSCHED');
    const rescuer = lucro(['worker'], env);
    await waitFor(async () => (await statusCounts(batchId)).completed === 300, 60_000, 'the other worker to complete every row');
    const { rows } = await ctx.sql.query(`SELECT count(*) FILTER (WHERE enrichment_commits = 1)::int AS once FROM transactions WHERE batch_id = $1`, [batchId]);
    expect(rows[0].once).toBe(300);
    expect(rescuer.lines.some((l) => l.msg === 'reclaimed expired processing leases')).toBe(true);
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
  }, 120_000);

  it('when Redis is unreachable at ingestion, then the API still answers 202 and the scheduler dispatches the rows once the queue is back', async () => {
    const queuePrefix = prefix();
    const down = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: queuePrefix });
    let batchId: string;
    try {
      const started = Date.now();
      batchId = await ingestBatch(down, key, batchBody(20, { accountId: 'MP-REDIS' }));
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await down.close().catch(() => {});
    }
    expect((await statusCounts(batchId)).pending).toBe(20);

    const env = { QUEUE_PREFIX: queuePrefix, ENRICHMENT_LATENCY_MS: '0', SCHEDULER_INTERVAL_MS: '300', REDISPATCH_AFTER_MS: '500' };
    const worker = lucro(['worker'], env);
    const scheduler = lucro(['scheduler'], env);
    await waitFor(async () => (await statusCounts(batchId)).completed === 20, 30_000, 'the stranded batch to be enriched');
    worker.child.kill('SIGTERM');
    scheduler.child.kill('SIGTERM');
    await Promise.all([worker.exited, scheduler.exited]);
  }, 60_000);

  it('when two schedulers run at once, then rows are still enriched exactly once', async () => {
    const queuePrefix = prefix();
    const env = { QUEUE_PREFIX: queuePrefix, ENRICHMENT_LATENCY_MS: '0', SCHEDULER_INTERVAL_MS: '200', REDISPATCH_AFTER_MS: '0' };
    const schedulers = [lucro(['scheduler'], env), lucro(['scheduler'], env)];
    const worker = lucro(['worker'], env);
    await worker.waitForLog((l) => l.msg === 'worker started');
    const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queuePrefix });
    try {
      const batchId = await ingestBatch(api, key, batchBody(500, { accountId: 'MP-SCHED' }));
      await waitFor(async () => (await statusCounts(batchId)).completed === 500, 30_000, 'the batch to complete');
      const { rows } = await ctx.sql.query('SELECT max(enrichment_commits)::int AS hi FROM transactions WHERE batch_id = $1', [batchId]);
      expect(rows[0].hi).toBe(1);
    } finally {
      await api.close().catch(() => {});
    }
    for (const p of [...schedulers, worker]) p.child.kill('SIGTERM');
    await Promise.all([...schedulers, worker].map((p) => p.exited));
  }, 60_000);

  it('when a scheduler or a worker cannot serve METRICS_PORT (in use), then it exits 1 instead of running on half started', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      for (const role of ['scheduler', 'worker']) {
        const p = lucro([role], { HOST: '127.0.0.1', METRICS_PORT: String(port), LOG_LEVEL: 'warn', QUEUE_PREFIX: prefix() });
        expect(await p.exited, role).toBe(1);
      }
    } finally {
      taken.close();
    }
  }, 60_000);

  it('when a worker gets SIGINT twice (Ctrl-C reaches npm and the process; npm passes it on) while its categorizer calls take seconds, then it finishes what it claimed, leaves the rest pending untouched, and exits 0', async () => {
    const queuePrefix = prefix();
    // Each call takes 7 s, longer than the queue's 5 s grace for an unanswered Redis: the jobs must still be waited for.
    const worker = lucro(['worker'], { QUEUE_PREFIX: queuePrefix, ENRICHMENT_LATENCY_MS: '7000', WORKER_CONCURRENCY: '8', LOG_LEVEL: 'info' });
    await worker.waitForLog((line) => line.msg === 'worker started');
    const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queuePrefix });
    let batchId: string;
    try {
      batchId = await ingestBatch(api, key, batchBody(20, { accountId: 'SLOW-DRAIN' }));
    } finally {
      await api.close();
    }
    await waitFor(async () => ((await statusCounts(batchId)).processing ?? 0) > 0, 20_000, 'rows to be claimed');
    worker.child.kill('SIGINT');
    // The second one, while it drains, does not kill it.
    await worker.waitForLog((line) => line.msg === 'draining');
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);

    const { rows } = await ctx.sql.query('SELECT status, attempts, claim_token FROM transactions WHERE batch_id = $1', [batchId]);
    const finished = rows.filter((r) => r.status === 'completed');
    expect(finished.length).toBeGreaterThan(0);
    for (const row of finished) expect(row).toMatchObject({ attempts: 1, claim_token: null });
    for (const row of rows.filter((r) => r.status !== 'completed')) expect(row).toMatchObject({ status: 'pending', attempts: 0, claim_token: null });
  }, 90_000);

  it('when the path to Redis goes silent without closing and then heals, then the worker drops its silent connections and takes new batches again', async () => {
    const { proxy, viaProxy } = await redisProxy();
    const queue = prefix();
    const worker = lucro(['worker'], { REDIS_URL: viaProxy.toString(), QUEUE_PREFIX: queue, ENRICHMENT_LATENCY_MS: '0', REDIS_SOCKET_TIMEOUT_MS: '11000' });
    const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queue });
    try {
      await worker.waitForLog((line) => line.msg === 'worker started');
      const before = await ingestBatch(api, key, batchBody(5, { accountId: 'REDIS-SILENT' }));
      await waitFor(async () => (await statusCounts(before)).completed === 5, 30_000, 'the first batch');
      // The worker's connections stay open and carry nothing; new ones are answered again a moment later.
      proxy.freeze();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      proxy.thaw();
      const after = await ingestBatch(api, key, batchBody(5, { accountId: 'REDIS-SILENT', prefix: 'LATE' }));
      await waitFor(async () => (await statusCounts(after)).completed === 5, 45_000, 'the batch sent after the path went silent');
    } finally {
      await api.close().catch(() => {});
      worker.child.kill('SIGKILL');
      await proxy.close();
    }
  }, 90_000);

  it('when a worker that lived through a Redis outage gets SIGTERM while its connections come back, then it drains at once, exits 0 and leaves no row processing', async () => {
    const { proxy, viaProxy } = await redisProxy();
    const queue = prefix();
    // Before the fix the drain hung until this deadline and exited 1: BullMQ's close waited for ever for
    // the end of a blocking connection that was reconnecting.
    const worker = lucro(['worker'], { REDIS_URL: viaProxy.toString(), QUEUE_PREFIX: queue, ENRICHMENT_LATENCY_MS: '300-600', LOG_LEVEL: 'info', SHUTDOWN_DEADLINE_MS: '20000' });
    const api = await createTestContext({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queue });
    /** Waits until the worker reports Redis refusing it, from the log line `from` on. */
    const refused = (from: number) =>
      waitFor(async () => worker.lines.slice(from).some((l) => String(l.msg).startsWith('the queue (Redis) is unreachable') && String(l.error).includes('ECONNREFUSED')), 20_000, 'the worker to meet the outage');
    try {
      await worker.waitForLog((line) => line.msg === 'worker started');
      const before = await ingestBatch(api, key, batchBody(5, { accountId: 'REDIS-BACK' }));
      await waitFor(async () => (await statusCounts(before)).completed === 5, 30_000, 'the batch sent before the outage');
      await proxy.refuse();
      await refused(0);
      await proxy.restore();
      const after = await ingestBatch(api, key, batchBody(200, { accountId: 'REDIS-BACK', prefix: 'LATE' }));
      await waitFor(async () => ((await statusCounts(after)).completed ?? 0) > 0, 30_000, 'the worker to work again after the outage');

      // Redis drops the worker once more; SIGTERM comes while its connections try again, and Redis is back a second later.
      await proxy.refuse();
      await refused(worker.lines.length);
      const started = Date.now();
      worker.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await proxy.restore();
      expect(await worker.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(worker.lines.some((l) => l.msg === 'drain took too long; giving back held rows and exiting')).toBe(false);

      const { rows } = await ctx.sql.query('SELECT status, attempts, claim_token, enrichment_commits FROM transactions WHERE batch_id = $1', [after]);
      expect(rows.filter((r) => r.status === 'processing')).toEqual([]);
      for (const row of rows) expect(row.enrichment_commits).toBeLessThanOrEqual(1);
      for (const row of rows.filter((r) => r.status !== 'completed')) expect(row).toMatchObject({ status: 'pending', claim_token: null });
    } finally {
      await api.close().catch(() => {});
      worker.child.kill('SIGKILL');
      await proxy.close();
    }
  }, 120_000);

  it('when Redis is gone and a worker that ran jobs gets SIGTERM, then it still drains and exits 0 well inside 30 s', async () => {
    const { proxy, viaProxy } = await redisProxy();
    const queue = prefix();
    const worker = lucro(['worker'], { REDIS_URL: viaProxy.toString(), QUEUE_PREFIX: queue, ENRICHMENT_LATENCY_MS: '0', LOG_LEVEL: 'info' });
    const scheduler = lucro(['scheduler'], { QUEUE_PREFIX: queue, LOG_LEVEL: 'warn', SCHEDULER_INTERVAL_MS: '200', REDISPATCH_AFTER_MS: '300' });
    try {
      await worker.waitForLog((line) => line.msg === 'worker started');
      const batchId = await ingestBatch(ctx, key, batchBody(20, { accountId: 'REDIS-GONE' }));
      await waitFor(async () => (await statusCounts(batchId)).completed === 20, 30_000, 'the batch to complete');
      proxy.blackhole();
      const started = Date.now();
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      scheduler.child.kill('SIGTERM');
      await proxy.close();
    }
  }, 90_000);
});

describe('roles run apart without Redis', () => {
  it('when lucro api starts with no REDIS_URL, then it warns that it shares no queue and says what to set, and a Redis-backed one does not', async () => {
    const alone = lucro(['api'], { REDIS_URL: '', PORT: String(await freePort()), LOG_LEVEL: 'info' });
    const withRedis = lucro(['api'], { QUEUE_PREFIX: prefix(), PORT: String(await freePort()), LOG_LEVEL: 'info' });
    await Promise.all([alone, withRedis].map((p) => p.waitForLog((l) => String(l.msg).startsWith('API listening'))));
    const warning = alone.lines.find((l) => l.level === 40 && String(l.msg).startsWith('REDIS_URL is not set'));
    expect(warning?.msg).toContain('Set REDIS_URL to run roles apart, or run lucro start for one process.');
    expect(withRedis.lines.some((l) => String(l.msg).startsWith('REDIS_URL is not set'))).toBe(false);
  });
});
