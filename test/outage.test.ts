import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import type { BullMqQueue } from '../src/infra/bullmq-queue.js';
import type { FastifyInstance } from 'fastify';
import { batchBody, bearer } from './helpers/context.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { freePort, startLucro, testRedisUrl, waitFor } from './helpers/processes.js';
import { validateResponsesAgainstDocument } from './helpers/openapi-validation.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/** PostgreSQL outages played through a proxy: answers are 503 within 5 s, and everything heals by itself. */
let db: TestDatabase;
let proxy: TcpProxy;
let container: Container;
let app: FastifyInstance;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const target = new URL(db.url);
  proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  container = await createContainer(
    loadConfig({ DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '20-40', SCHEDULER_INTERVAL_MS: '200', PROCESSING_LEASE_MS: '1500', REDISPATCH_AFTER_MS: '300' }),
  );
  app = await buildApp(container);
  await app.ready();
  validateResponsesAgainstDocument(app);
  key = (await container.auth.createKey('acme', ['ingest', 'reports'])).key;
});

afterAll(async () => {
  await app.close();
  await container.worker.stop().catch(() => {});
  await container.close();
  await proxy.close();
  await db.drop();
});

const post = (body: unknown) =>
  app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe('PostgreSQL outage (§9)', () => {
  it('when the database refuses connections, then requests get 503 with Retry-After quickly, and work again once it is back', async () => {
    expect((await post(batchBody(2, { accountId: 'OUT-1' }))).statusCode).toBe(202);
    await proxy.refuse();
    // Keys are cached briefly; a new key forces the lookup too.
    for (const request of [() => post(batchBody(2, { accountId: 'OUT-2' })), () => app.inject({ url: '/api/reports/account/OUT-1/summary', headers: bearer(key) })]) {
      const { result, ms } = await timed(request);
      expect(result.statusCode).toBe(503);
      expect(result.json().code).toBe('service_unavailable');
      expect(result.headers['retry-after']).toBeDefined();
      expect(ms).toBeLessThan(5_000);
    }
    const ready = await timed(() => app.inject({ url: '/readyz' }));
    expect(ready.result.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(5_000);
    await proxy.restore();
    await waitFor(async () => (await post(batchBody(2, { accountId: 'OUT-2' }))).statusCode === 202, 10_000, 'ingestion to recover');
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('when the database stops answering (a partition), then requests still get 503 within 5 s', async () => {
    proxy.blackhole();
    const { result, ms } = await timed(() => post(batchBody(2, { accountId: 'OUT-3' })));
    expect(result.statusCode).toBe(503);
    expect(ms).toBeLessThan(5_000);
    await proxy.restore();
    await waitFor(async () => (await post(batchBody(2, { accountId: 'OUT-3' }))).statusCode === 202, 15_000, 'ingestion to recover');
  });

  it('when the database stops answering as a verified key is due its once-a-second check, then the request is not held up by that check: its 503 still comes within 5 s', async () => {
    const batchId = (await post(batchBody(2, { accountId: 'OUT-KEYCHECK' }))).json().batch_id;
    // Every open connection is dropped: the key check and the request each need a new one, which is never answered.
    proxy.blackhole();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const { result, ms } = await timed(() => app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) }));
      expect(result.statusCode).toBe(503);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await proxy.restore();
    }
    await waitFor(async () => (await app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).statusCode === 200, 20_000, 'reads to recover');
  });

  it('when the database drops out mid-enrichment, then workers recover by themselves and commit each row once', async () => {
    const response = await post(batchBody(400, { accountId: 'OUT-WORK' }));
    expect(response.statusCode).toBe(202);
    const batchId = response.json().batch_id;
    const { Scheduler } = await import('../src/scheduler/scheduler.js');
    const scheduler = new Scheduler(() => container.maintenance.sweep(), container.logger, 200);
    container.worker.start();
    scheduler.start();
    try {
      await waitFor(async () => (await app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json().counts?.completed > 20, 15_000, 'progress');
      await proxy.refuse();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await proxy.restore();
      await waitFor(
        async () => {
          const batch = await app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) });
          return batch.statusCode === 200 && batch.json().status === 'completed';
        },
        45_000,
        'the batch to complete after the outage',
      );
    } finally {
      await scheduler.stop();
      await container.worker.stop();
    }
    const direct = await import('pg');
    const client = new direct.default.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT min(enrichment_commits)::int AS lo, max(enrichment_commits)::int AS hi, count(*)::int AS n FROM transactions WHERE batch_id = $1', [batchId]);
    await client.end();
    expect(rows[0]).toEqual({ lo: 1, hi: 1, n: 400 });
  }, 90_000);

  it('when the database drops out while a worker holds categorized rows, then they are committed once it is back, not after their lease, each once and with no attempt lost', async () => {
    const target = new URL(db.url);
    target.port = String(proxy.port);
    // A lease far longer than the test waits: rows left to it would still be processing at the end.
    const held = await createContainer(
      loadConfig({ DATABASE_URL: target.toString(), LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '1500', WORKER_CONCURRENCY: '8', PROCESSING_LEASE_MS: '600000', REDISPATCH_AFTER_MS: '600000' }),
    );
    const heldApp = await buildApp(held);
    try {
      const response = await heldApp.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(batchBody(40, { accountId: 'OUT-HELD' })) });
      expect(response.statusCode).toBe(202);
      const batchId = response.json().batch_id;
      const direct = new pg.Client({ connectionString: db.url });
      await direct.connect();
      const processing = async () => (await direct.query(`SELECT count(*)::int AS n FROM transactions WHERE batch_id = $1 AND status = 'processing'`, [batchId])).rows[0].n as number;
      try {
        held.worker.start();
        // Rows are claimed, and their categorizer calls (1.5 s each) are under way when the database goes.
        await waitFor(async () => (await processing()) > 0, 15_000, 'rows to be claimed');
        await proxy.refuse();
        // Longer than the writer's own retries of a lost connection (under a second).
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        await proxy.restore();
        await waitFor(async () => (await heldApp.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json().status === 'completed', 30_000, 'the batch to complete once the database is back');
        const { rows } = await direct.query('SELECT min(enrichment_commits)::int AS lo, max(enrichment_commits)::int AS hi, max(attempts)::int AS attempts, count(*)::int AS n FROM transactions WHERE batch_id = $1', [batchId]);
        expect(rows[0]).toEqual({ lo: 1, hi: 1, attempts: 1, n: 40 });
      } finally {
        await direct.end();
      }
    } finally {
      await held.worker.stop();
      await heldApp.close();
      await held.close();
    }
  }, 90_000);

  it('when the database is away longer than a job\'s retries on BullMQ, then its jobs wait and enrichment resumes as soon as it is back, each row committed once', async () => {
    const target = new URL(db.url);
    target.port = String(proxy.port);
    // The scheduler's re-dispatch is out of reach here: the queue alone must bring the jobs back.
    const queued = await createContainer(
      loadConfig({ DATABASE_URL: target.toString(), REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '20-40', WORKER_CONCURRENCY: '4', PROCESSING_LEASE_MS: '3000', SCHEDULER_INTERVAL_MS: '500', REDISPATCH_AFTER_MS: '600000' }),
    );
    const queuedApp = await buildApp(queued);
    let scheduler: { stop(): Promise<void> } | undefined;
    try {
      const response = await queuedApp.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(batchBody(300, { accountId: 'OUT-QUEUED' })) });
      expect(response.statusCode).toBe(202);
      const batchId = response.json().batch_id;
      const status = async () => (await queuedApp.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json();
      // The scheduler returns rows whose claim's write was lost to the outage (their lease expires); it re-dispatches nothing here.
      const { Scheduler } = await import('../src/scheduler/scheduler.js');
      const sweeping = new Scheduler(() => queued.maintenance.sweep(), queued.logger, 500);
      scheduler = sweeping;
      queued.worker.start();
      sweeping.start();
      await waitFor(async () => (await status()).counts?.completed > 10, 15_000, 'progress');
      await proxy.refuse();
      // BullMQ's own retries of a failing job (5 attempts, backoff from 1 s) are spent within 16 s.
      await new Promise((resolve) => setTimeout(resolve, 17_000));
      await proxy.restore();
      await waitFor(async () => (await status().catch(() => ({}))).status === 'completed', 20_000, 'the batch to complete after the outage');
      const failedJobs = await (queued.queue as BullMqQueue).bullQueue.getJobCountByTypes('failed');
      expect(failedJobs).toBe(0);
    } finally {
      await scheduler?.stop();
      await queued.worker.stop();
      await queuedApp.close();
      await queued.close();
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(`SELECT min(enrichment_commits)::int AS lo, max(enrichment_commits)::int AS hi, count(*)::int AS n FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id = 'OUT-QUEUED'`);
    await client.end();
    expect(rows[0]).toEqual({ lo: 1, hi: 1, n: 300 });
  }, 90_000);

  it('when npm start begins while the database refuses connections, then it waits instead of exiting, and serves once the database is back', async () => {
    const target = new URL(db.url);
    const late = new TcpProxy(target.hostname, Number(target.port || 5432));
    await late.start();
    await late.refuse();
    const viaLate = new URL(db.url);
    viaLate.port = String(late.port);
    const port = await freePort();
    const lucro = startLucro(['start'], { DATABASE_URL: viaLate.toString(), REDIS_URL: '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ENRICHMENT_LATENCY_MS: '0' });
    try {
      await lucro.waitForLog((line) => line.msg === 'the database is unreachable; migrating when it returns', 45_000);
      await late.restore();
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'start to serve');
      lucro.child.kill('SIGTERM');
      expect(await lucro.exited).toBe(0);
    } finally {
      lucro.child.kill('SIGKILL');
      await late.close();
    }
  }, 90_000);
});
