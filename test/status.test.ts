import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/infra/logger.js';
import { BullMqQueue } from '../src/infra/bullmq-queue.js';
import { batchBody, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { adminUrl, databaseUrlFor } from './helpers/database.js';
import { runLucro, startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';

let ctx: TestContext;
let worker: LucroProcess | undefined;
let scheduler: LucroProcess | undefined;
const workerPrefix = `lucro-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  scheduler?.child.kill('SIGKILL');
  await ctx.close();
});

function status(env: Record<string, string>, json = true) {
  return runLucro(['status', ...(json ? ['--json'] : [])], env);
}

describe('lucro status against a running system', () => {
  it('when a worker runs with Redis but no scheduler does, then it names the missing scheduler and exits 1', async () => {
    worker = startLucro(['worker'], { DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix, WORKER_CONCURRENCY: '7' });
    await worker.waitForLog((l) => l.msg === 'worker started');
    await waitFor(async () => (await ctx.sql.query('SELECT 1 FROM worker_heartbeats WHERE pid = $1', [worker?.child.pid])).rowCount === 1, 10_000, 'the heartbeat');

    const noScheduler = 'Needs attention:\n  - No scheduler seen in the last 30 s: stranded batches are not dispatched again and retention does not run; start `lucro scheduler`.';
    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix }, false);
    expect(code).toBe(1);
    expect(stdout.trim().endsWith(noScheduler)).toBe(true);
    // Asked by an operator whose shell has no REDIS_URL: the worker itself says it does not sweep.
    const { stdout: withoutRedis } = await status({ DATABASE_URL: ctx.db.url }, false);
    expect(withoutRedis.trim().endsWith(noScheduler)).toBe(true);
  }, 60_000);

  it('when a worker and a scheduler run and nothing waits, then it says all is well and exits 0', async () => {
    // Its queue is one nobody consumes, and it re-dispatches nothing within the test: the rows the
    // tests below leave waiting stay as they are.
    scheduler = startLucro(['scheduler'], { DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `${workerPrefix}-idle`, REDISPATCH_AFTER_MS: '600000' });
    await scheduler.waitForLog((l) => l.msg === 'scheduler started');
    await waitFor(async () => (await ctx.sql.query('SELECT 1 FROM worker_heartbeats WHERE pid = $1', [scheduler?.child.pid])).rowCount === 1, 10_000, 'the heartbeat');

    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix }, false);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}database {6}ok /m);
    expect(stdout).toMatch(/^ {2}migrations {4}\d+ applied, none pending$/m);
    expect(stdout).toMatch(/^ {2}workers {7}1 seen in the last 30 s \(and 1 other process\(es\)\)$/m);
    expect(stdout).toContain(`:${worker?.child.pid}`);
    expect(stdout).toMatch(/^ {16}scheduler {2}/m);
    expect(stdout.trim().endsWith('All well.')).toBe(true);
  }, 60_000);

  it('when nothing is pending and nothing is queued, then --json gives null for both oldest ages', async () => {
    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect({ queue: report.queue, pending: report.transactions.pending, oldest: report.transactions.oldest_pending_age_seconds }).toEqual({
      queue: { kind: 'bullmq', depth: 0, oldest_job_age_seconds: null },
      pending: 0,
      oldest: null,
    });
  }, 60_000);

  it('when a worker was killed and has not beaten for 35 s, three beats missed, then it is no longer counted', async () => {
    await ctx.sql.query(
      `INSERT INTO worker_heartbeats (id, role, hostname, pid, concurrency, seen_at, started_at)
       VALUES ('gone-host:4242', 'worker', 'gone-host', 4242, 8, now() - interval '35 seconds', now() - interval '1 hour')`,
    );
    try {
      const { stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix });
      const report = JSON.parse(stdout);
      expect(report.workers.map((w: { pid: number }) => w.pid).sort()).toEqual([worker?.child.pid, scheduler?.child.pid].sort());
    } finally {
      await ctx.sql.query(`DELETE FROM worker_heartbeats WHERE id = 'gone-host:4242'`);
    }
  }, 60_000);

  it('when rows wait, some failed and a job is queued, then --json reports each and it exits 1 naming the failures', async () => {
    const key = await ctx.key(['ingest']);
    const batchId = await ingestBatch(ctx, key, batchBody(5, { accountId: 'ACC-STATUS' }));
    await ctx.sql.query(
      `UPDATE transactions SET status = 'failed', error = 'categorizer timed out', attempts = 3, completed_at = now()
        WHERE batch_id = $1 AND transaction_id IN ('TX-1', 'TX-2')`,
      [batchId],
    );
    await ctx.sql.query(
      `UPDATE transactions SET status = 'failed', error = 'processing lease expired (attempt 3 of 3)', attempts = 3, completed_at = now() - interval '2 days'
        WHERE batch_id = $1 AND transaction_id = 'TX-3'`,
      [batchId],
    );
    // A job waiting on a queue of its own, which no worker consumes.
    const queuePrefix = `lucro-test-${randomBytes(4).toString('hex')}`;
    const queue = new BullMqQueue(testRedisUrl(), queuePrefix, createLogger('silent', 'test', 'json'));
    await waitFor(async () => queue.ping().then(() => true, () => false), 5_000, 'Redis');
    await queue.add([{ id: 'waiting-job', data: { batchId: randomUUID(), lane: 0, generation: 0 } }]);
    await queue.close();

    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queuePrefix });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      ok: false,
      database: { reachable: true },
      redis: { reachable: true },
      migrations: { pending: [] },
      queue: { kind: 'bullmq', depth: 1 },
      transactions: { pending: 2, processing: 0, failed: 3, failed_last_hour: 2, stale_leases: 0 },
      failed_by_error: [
        { error: 'categorizer timed out', count: 2 },
        { error: 'processing lease expired (attempt 3 of 3)', count: 1 },
      ],
    });
    expect(report.queue.oldest_job_age_seconds).toBeGreaterThanOrEqual(0);
    expect(report.transactions.oldest_pending_age_seconds).toBeGreaterThanOrEqual(0);
    expect(report.workers).toContainEqual(expect.objectContaining({ role: 'worker', pid: worker?.child.pid, concurrency: 7 }));
    expect(report.attention).toEqual(['2 transaction(s) failed in the last hour (see failures by error).']);
  }, 60_000);

  it('when the only worker drains and exits, then it is no longer counted, and the waiting rows and a row on a long-expired lease need attention', async () => {
    worker?.child.kill('SIGTERM');
    scheduler?.child.kill('SIGTERM');
    expect(await worker?.exited).toBe(0);
    expect(await scheduler?.exited).toBe(0);
    // A row a worker that died held, whose lease nothing took back.
    await ctx.sql.query(
      `UPDATE transactions SET status = 'processing', attempts = 1, claim_token = gen_random_uuid(), lease_expires_at = now() - interval '2 minutes'
        WHERE transaction_id = 'TX-4' AND account_id = (SELECT id FROM accounts WHERE external_id = 'ACC-STATUS')`,
    );
    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.workers).toEqual([]);
    expect(report.transactions).toMatchObject({ pending: 1, processing: 1, stale_leases: 1 });
    expect(report.attention).toContain('No worker seen in the last 30 s while 2 transaction(s) wait: start `lucro worker`.');
    expect(report.attention).toContain('1 transaction(s) are processing on a lease that ran out over 30 s ago: no worker or scheduler is taking them back.');
    const text = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: workerPrefix }, false);
    expect(text.stdout).toMatch(/^ {2}transactions {2}1 pending, 1 processing \(1 on a lease that ran out\), 3 failed/m);
  }, 60_000);
});

describe('lucro status against a database that is down or not migrated', () => {
  it('when the database refuses connections, then it says so plainly, with no stack trace, and exits 2', async () => {
    const { code, stdout, stderr } = await status({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/lucro', REDIS_URL: testRedisUrl() }, false);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^ {2}database {6}UNREACHABLE postgres:\/\/postgres@127\.0\.0\.1:1\/lucro: connect ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(stdout).toContain('The database is unreachable');
    expect(`${stdout}${stderr}`).not.toMatch(/^\s+at /m);
  });

  it('when the database refuses connections and --json is asked, then the report says so for scripts, and it exits 2', async () => {
    const { code, stdout } = await status({ DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/lucro' });
    expect(code).toBe(2);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      ok: false,
      database: { url: 'postgres://postgres:***@127.0.0.1:1/lucro', reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:1' },
      migrations: null,
      transactions: null,
      workers: [],
      attention: ['The database is unreachable: nothing stored in it could be checked.'],
    });
    expect(stdout).not.toContain('hunter2');
  });

  it('when Redis is down but the database answers, then it says Redis is unreachable, and why, and exits 1', async () => {
    const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1/12' }, false);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}database {6}ok /m);
    // The cause, not ioredis's "Stream isn't writeable" for any command sent while it is not connected.
    expect(stdout).toMatch(/^ {2}redis {9}UNREACHABLE redis:\/\/127\.0\.0\.1:1\/12: connect ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(stdout).toContain('  - Redis is unreachable: new batches wait for the scheduler to dispatch them once it is back.');
  });

  it('when Redis accepts connections and drops them at once, then it says Redis is unreachable and exits 1, not lingering after its answer', async () => {
    // Redis at its client limit, or a proxy in front of a dead one: every connection is closed as it opens.
    const dropper = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const { code, stdout } = await status({ DATABASE_URL: ctx.db.url, REDIS_URL: `redis://127.0.0.1:${(dropper.address() as net.AddressInfo).port}` }, false);
      expect(code).toBe(1);
      expect(stdout).toContain('  - Redis is unreachable: new batches wait for the scheduler to dispatch them once it is back.');
      // It lingered 30 s after printing; its own checks are bounded well below that.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      dropper.close();
    }
  }, 60_000);

  it('when the database was never migrated, then every migration is listed as pending and it exits 1', async () => {
    const name = `lucro_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const { code, stdout } = await status({ DATABASE_URL: databaseUrlFor(name) });
      expect(code).toBe(1);
      const report = JSON.parse(stdout);
      expect(report.migrations.applied).toBe(0);
      expect(report.migrations.pending).toEqual(expect.arrayContaining(['001_initial.sql', '009_worker_heartbeats.sql']));
      expect(report.redis).toEqual({ url: null, reachable: null });
      expect(report.attention[0]).toMatch(/^\d+ migration\(s\) not applied: run `lucro migrate`\.$/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('lucro status during a re-enrichment', () => {
  it('when a re-enrichment\'s rows have waited 20 minutes in batches that completed long ago, then the oldest pending age says so', async () => {
    const key = await ctx.key(['ingest']);
    const batchId = await ingestBatch(ctx, key, batchBody(3, { accountId: 'ACC-REEN-AGE' }));
    await ctx.sql.query(`UPDATE transactions SET status = 'completed', completed_at = now() WHERE batch_id = $1`, [batchId]);
    await ctx.sql.query(`UPDATE batches SET completed_at = now() WHERE id = $1`, [batchId]);
    // What starting a re-enrichment does (§11), 20 minutes ago, with no worker taking its rows since.
    const reenrichment = randomUUID();
    await ctx.sql.query(
      `INSERT INTO reenrichments (id, integration_id, account_id, filters, transactions, created_at)
       SELECT $1, a.integration_id, a.id, '{}'::jsonb, 3, now() - interval '20 minutes' FROM accounts a WHERE a.external_id = 'ACC-REEN-AGE'`,
      [reenrichment],
    );
    await ctx.sql.query(`UPDATE transactions SET status = 'pending', completed_at = NULL, reenrichment_id = $2 WHERE batch_id = $1`, [batchId, reenrichment]);

    const { stdout } = await status({ DATABASE_URL: ctx.db.url });
    const report = JSON.parse(stdout);
    expect(report.transactions.pending).toBeGreaterThanOrEqual(3);
    expect(report.transactions.oldest_pending_age_seconds).toBeGreaterThanOrEqual(20 * 60);
  });
});
