import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { MaintenanceService } from '../src/enrichment/maintenance.service.js';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { adminUrl, databaseUrlFor } from './helpers/database.js';
import { freePort, startLucro, testRedisUrl, waitFor } from './helpers/processes.js';
import { Redis } from 'ioredis';
import { validateResponsesAgainstDocument } from './helpers/openapi-validation.js';

const INGEST = '/api/integrations/transactions';
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** The value of a Prometheus sample whose labels include all of `labels` (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([label, value]) => found.get(label) === value)) return Number(match[3]);
  }
  return 0;
}

async function metrics(app: FastifyInstance = ctx.app): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body;
}

describe('probes', () => {
  it('when /healthz is asked without a key, then it answers 200', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('when the database and the queue answer, then /readyz is 200 and says so for each', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toEqual({ database: 'ok', queue: 'ok' });
  });

  it('when /readyz is asked to exclude a dependency it does not have, then it answers 400 naming exclude', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/readyz?exclude=queue,redis' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/exclude', message: 'must name database or queue, not "redis"' }] });
  });
});

describe('when the database lacks migrations', () => {
  it('then /readyz answers 503 naming the database as not migrated, and 200 once they are applied', async () => {
    const migration = '025_change_time_when_recorded.sql';
    // This code needs a migration the database has not had yet: a rollout whose migration job still runs.
    await ctx.sql.query('DELETE FROM schema_migrations WHERE name = $1', [migration]);
    try {
      const response = await ctx.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        code: 'service_unavailable',
        detail: 'Not ready: the database (PostgreSQL) lacks migrations this version needs (run `lucro migrate`).',
        checks: { database: 'not_migrated', queue: 'ok' },
        failed: ['database'],
      });
      // Excluding the database from readiness tolerates its outage, not a schema this code cannot use.
      expect((await ctx.app.inject({ method: 'GET', url: '/readyz?exclude=database,queue' })).statusCode).toBe(503);
    } finally {
      await ctx.sql.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration]);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('then a process started on a database never migrated is not ready, and its API answers 503 naming the missing migrations, not 500', async () => {
    const name = `lucro_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const container = await createContainer(loadConfig({ DATABASE_URL: databaseUrlFor(name), LOG_LEVEL: 'silent' }));
    try {
      const app = await buildApp(container);
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks).toEqual({ database: 'not_migrated', queue: 'ok' });
      const ingest = await app.inject({
        method: 'POST',
        url: '/api/integrations/transactions/',
        headers: { authorization: `Bearer lucro_${'k'.repeat(43)}`, 'content-type': 'application/json' },
        payload: batchBody(1),
      });
      expect(ingest.statusCode, ingest.body).toBe(503);
      expect(ingest.json()).toMatchObject({ code: 'service_unavailable', detail: expect.stringContaining('migrations') });
      expect(ingest.headers['retry-after']).toBeDefined();
      await app.close();
    } finally {
      await container.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('readiness in the metrics', () => {
  it('when a process is scraped and nothing ever called its /readyz, then lucro_ready and lucro_dependency_up say it is ready', async () => {
    const container = await createContainer(loadConfig({ DATABASE_URL: ctx.db.url, LOG_LEVEL: 'silent' }));
    try {
      const app = await buildApp(container);
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(text).toMatch(/^lucro_ready 1$/m);
      expect(text).toMatch(/^lucro_dependency_up\{dependency="database"\} 1$/m);
      expect(text).toMatch(/^lucro_dependency_up\{dependency="queue"\} 1$/m);
      await app.close();
    } finally {
      await container.close();
    }
  });
});

describe('when REDIS_URL names a database the Redis server does not have', () => {
  it('then /readyz names the queue as not ready and a batch is stored but nothing is queued in database 0 instead', async () => {
    const prefix = `lucro-test-${randomBytes(4).toString('hex')}`;
    const container = await createContainer(loadConfig({ DATABASE_URL: ctx.db.url, REDIS_URL: `${testRedisUrl()}/99`, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' }));
    const redis = new Redis(testRedisUrl());
    try {
      const app = await buildApp(container);
      await waitFor(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503, 5_000, 'the queue to be found misconfigured');
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ checks: { database: 'ok', queue: 'unreachable' }, failed: ['queue'] });
      const key = await ctx.key(['ingest']);
      const posted = await app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: batchBody(2, { accountId: 'ACC-REDIS-99' }) });
      expect(posted.statusCode).toBe(202);
      // No job, wait list or event stream; only the metadata key BullMQ writes as it connects.
      expect((await redis.keys(`${prefix}:*`)).filter((name) => !name.endsWith(':meta'))).toEqual([]);
      await app.close();
    } finally {
      await container.close();
      const left = await redis.keys(`${prefix}:*`);
      if (left.length > 0) await redis.del(...left);
      redis.disconnect();
    }
  });
});

describe('when PostgreSQL refuses the role DATABASE_URL names', () => {
  it('then requests answer 503 service_unavailable, not 500, and /readyz names the database', async () => {
    const stranger = new URL(ctx.db.url);
    stranger.username = 'lucro_no_such_role';
    const container = await createContainer(loadConfig({ DATABASE_URL: stranger.toString(), LOG_LEVEL: 'silent' }));
    try {
      const app = await buildApp(container);
      const response = await app.inject({ method: 'GET', url: '/api/categories', headers: bearer(`lucro_${'a'.repeat(43)}`) });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'service_unavailable', detail: 'The database is unreachable; retry shortly.' });
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks).toEqual({ database: 'unreachable', queue: 'ok' });
      // The probe the API's Deployment uses: in the outage the pod stays in the Service and answers 503 problem details itself.
      const excluded = await app.inject({ method: 'GET', url: '/readyz?exclude=database&exclude=queue' });
      expect(excluded.statusCode).toBe(200);
      expect(excluded.json()).toEqual({ status: 'ready', checks: { database: 'unreachable', queue: 'ok' } });
      expect((await app.inject({ method: 'GET', url: '/readyz?exclude=queue' })).statusCode).toBe(503);
      await app.close();
    } finally {
      await container.close();
    }
  });
});

describe('when every pooled connection is busy with work that goes through', () => {
  it('then /readyz stays 200, and a request that gets no connection in time is told the process is busy, not that the database is unreachable', async () => {
    const container = await createContainer(loadConfig({ DATABASE_URL: ctx.db.url, DATABASE_POOL_MAX: '2', LOG_LEVEL: 'silent' }));
    const key = await ctx.key(['reports'], 'busy-bank');
    const app = await buildApp(container);
    // 80 clients each running statements of 0.1 s, one after another, on 2 connections: a queue
    // about 4 s long that never empties, while a statement finishes every 50 ms.
    let loading = true;
    const client = async () => {
      while (loading) await container.pool.query('SELECT pg_sleep(0.1)').catch(() => {});
    };
    let load: Promise<unknown> = Promise.resolve();
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      load = Promise.all(Array.from({ length: 80 }, client));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks).toEqual({ database: 'ok', queue: 'ok' });
      const refused = await app.inject({ method: 'GET', url: '/api/accounts', headers: bearer(key) });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json().detail).toMatch(/^No database connection came free in time/);
    } finally {
      loading = false;
      await load;
      await app.close();
      await container.close();
    }
  });
});

describe('when DATABASE_URL names a Unix socket that is not there (PostgreSQL stopped)', () => {
  it('then requests answer 503 service_unavailable with Retry-After, not 500, and /readyz names the database', async () => {
    const gone = `postgres://postgres@localhost/lucro?host=${encodeURIComponent(`/tmp/lucro-no-socket-${randomBytes(4).toString('hex')}`)}`;
    const container = await createContainer(loadConfig({ DATABASE_URL: gone, LOG_LEVEL: 'silent' }));
    try {
      const app = await buildApp(container);
      const response = await app.inject({ method: 'GET', url: '/api/categories', headers: bearer(`lucro_${'a'.repeat(43)}`) });
      expect(response.statusCode, response.body).toBe(503);
      expect(response.json()).toMatchObject({ code: 'service_unavailable', detail: 'The database is unreachable; retry shortly.' });
      expect(response.headers['retry-after']).toBeDefined();
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks).toEqual({ database: 'unreachable', queue: 'ok' });
      await app.close();
    } finally {
      await container.close();
    }
  });
});

describe('when Redis is unreachable', () => {
  it('then /readyz answers 503 problem details naming the queue, with the database ok', async () => {
    const down = await createTestContext({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'lucro-test-readyz' });
    try {
      const response = await down.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        code: 'service_unavailable',
        detail: 'Not ready: the queue (Redis) is unreachable.',
        checks: { database: 'ok', queue: 'unreachable' },
        failed: ['queue'],
      });
      // Batches are still accepted (stored, swept later): a probe excluding the queue keeps the API in service.
      const excluded = await down.app.inject({ method: 'GET', url: '/readyz?exclude=queue' });
      expect(excluded.statusCode).toBe(200);
      expect(excluded.json().checks).toEqual({ database: 'ok', queue: 'unreachable' });
      expect((await down.app.inject({ method: 'GET', url: '/readyz?exclude=database' })).statusCode).toBe(503);
    } finally {
      await down.close();
    }
  });

  it('then /metrics gives the queue depth and oldest job as unknown (NaN), not as an empty queue', async () => {
    const down = await createTestContext({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'lucro-test-metrics-down' });
    try {
      const text = await metrics(down.app);
      // prom-client writes NaN as "Nan", which Prometheus reads (its float parser ignores case).
      expect(text).toMatch(/^lucro_queue_depth nan$/im);
      expect(text).toMatch(/^lucro_queue_oldest_job_age_seconds nan$/im);
      expect(text).toMatch(/^lucro_dependency_up\{dependency="queue"\} 0$/m);
    } finally {
      await down.close();
    }
  });
});

describe('backlog gauges', () => {
  it('when a batch waits and the scheduler sweeps, then /metrics reports its pending rows and the age of the oldest', async () => {
    const key = await ctx.key(['ingest']);
    await ingestBatch(ctx, key, batchBody(4, { accountId: 'ACC-GAUGE' }));
    await ctx.sql.query(`UPDATE batches SET created_at = now() - interval '90 seconds' WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'ACC-GAUGE')`);
    const before = Date.now() / 1000;
    await ctx.container.maintenance.sweep();
    const text = await metrics();
    expect(sample(text, 'lucro_transactions', { status: 'pending' })).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'lucro_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(90);
    // What LucroSchedulerDown watches: a sweep just finished here.
    expect(sample(text, 'lucro_scheduler_last_sweep_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(before));
  });

  it('when waiting transactions are removed, then the pending gauge drops by them, as lucro status counts (removed ones count nowhere)', async () => {
    const key = await ctx.key(['ingest']);
    await ingestBatch(ctx, key, batchBody(3, { accountId: 'ACC-GAUGE-RM' }));
    await ctx.container.maintenance.sweep();
    const before = sample(await metrics(), 'lucro_transactions', { status: 'pending' });
    const removed = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { account_id: 'ACC-GAUGE-RM', transaction_ids: ['TX-1', 'TX-2'] },
    });
    expect(removed.json()).toMatchObject({ removed: 2 });
    await ctx.container.maintenance.sweep();
    expect(sample(await metrics(), 'lucro_transactions', { status: 'pending' })).toBe(before - 2);
  });

  it('when one step of a sweep fails, then the steps after it still run (retention, the gauges), and the sweep fails without being stamped as done', async () => {
    const key = await ctx.key(['ingest']);
    const sent = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/',
      headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': 'sweep-step-1' },
      payload: batchBody(2, { accountId: 'ACC-SWEEP-STEP' }),
    });
    expect(sent.statusCode).toBe(202);
    await ctx.sql.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = 'sweep-step-1'`);
    ctx.container.metrics.transactionsByStatus.set({ status: 'pending' }, -1);
    const stampedBefore = sample(await metrics(), 'lucro_scheduler_last_sweep_timestamp_seconds');
    const broken = new MaintenanceService(
      ctx.container.pool,
      ctx.container.dispatcher,
      ctx.container.metrics,
      ctx.container.logger,
      { maxAttempts: 3, redispatchAfterMs: 60_000, intervalMs: 1_000, changeRetentionDays: 30, webhookRetentionDays: 30 },
      ctx.container.changes,
      { sweep: () => Promise.reject(new Error('the re-enrichment sweep broke')) },
    );
    await expect(broken.sweep()).rejects.toThrow('the re-enrichment sweep broke');
    expect((await ctx.sql.query(`SELECT 1 FROM idempotency_keys WHERE key = 'sweep-step-1'`)).rowCount).toBe(0);
    const text = await metrics();
    expect(sample(text, 'lucro_transactions', { status: 'pending' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'lucro_scheduler_last_sweep_timestamp_seconds')).toBe(stampedBefore);
  });

  it('when a process runs no scheduler sweep, then its last-sweep time reads 0, so only a live scheduler keeps LucroSchedulerDown quiet', async () => {
    const container = await createContainer(loadConfig({ DATABASE_URL: ctx.db.url, LOG_LEVEL: 'silent' }));
    try {
      const app = await buildApp(container);
      expect(await metrics(app)).toMatch(/^lucro_scheduler_last_sweep_timestamp_seconds 0$/m);
      await app.close();
    } finally {
      await container.close();
    }
  });
});

describe('retention of process rows and queue-board sessions', () => {
  it('when the scheduler sweeps, then the rows of processes not seen for 7 days and sessions over for an hour are dropped, and the rest stay', async () => {
    await ctx.key(['admin']);
    const { rows } = await ctx.sql.query<{ id: string }>('SELECT id FROM api_keys ORDER BY id DESC LIMIT 1');
    const keyId = rows[0]?.id;
    await ctx.sql.query(
      `INSERT INTO worker_heartbeats (id, role, hostname, pid, seen_at, stopped_at) VALUES
         ('retention-gone:1', 'worker', 'retention-gone', 1, now() - interval '8 days', NULL),
         ('retention-stopped:2', 'worker', 'retention-stopped', 2, now() - interval '8 days', now() - interval '8 days'),
         ('retention-recent:3', 'worker', 'retention-recent', 3, now() - interval '6 days', now() - interval '6 days')`,
    );
    await ctx.sql.query(
      `INSERT INTO admin_sessions (token_hash, api_key_id, expires_at) VALUES
         ('\\x01'::bytea, $1, now() - interval '2 hours'),
         ('\\x02'::bytea, $1, now() - interval '10 minutes'),
         ('\\x03'::bytea, $1, now() + interval '10 minutes')`,
      [keyId],
    );
    await ctx.container.maintenance.sweep();
    const processes = await ctx.sql.query<{ id: string }>(`SELECT id FROM worker_heartbeats WHERE id LIKE 'retention-%' ORDER BY id`);
    expect(processes.rows.map((r) => r.id)).toEqual(['retention-recent:3']);
    const sessions = await ctx.sql.query<{ token: string }>(`SELECT encode(token_hash, 'hex') AS token FROM admin_sessions WHERE api_key_id = $1 ORDER BY 1`, [keyId]);
    expect(sessions.rows.map((r) => r.token)).toEqual(['02', '03']);
  });
});

describe('API description', () => {
  it('when /openapi.json is read, then it lists every route of the contract', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of [
      '/api/integrations/transactions',
      '/api/integrations/transactions/remove',
      '/api/batches/{batch_id}',
      '/api/batches/{batch_id}/transactions',
      '/api/reports/account/{account_id}/summary',
      '/api/categories',
      '/api/accounts/{account_id}/transactions',
      '/api/accounts/{account_id}/transactions/{transaction_id}',
      '/api/changes',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('when /openapi.json is read, then ingestion has its request body and 202 schemas', async () => {
    const post = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths[INGEST].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.properties).toHaveProperty('account');
    expect(body.properties).toHaveProperty('transactions');
    expect(body.required).toEqual(expect.arrayContaining(['account', 'transactions']));
    const accepted = post.responses['202'].content['application/json'].schema;
    expect(accepted.properties).toHaveProperty('batch_id');
  });

  it('when /docs is opened, then the OpenAPI UI answers', async () => {
    let response = await ctx.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; hops < 3 && response.statusCode >= 300 && response.statusCode < 400; hops += 1) {
      const location = new URL(String(response.headers.location), 'http://localhost/docs/');
      response = await ctx.app.inject({ method: 'GET', url: location.pathname + location.search });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    // The document the UI loads is the API's own, byte for byte.
    const [ui, document] = await Promise.all(['/docs/json', '/openapi.json'].map((url) => ctx.app.inject({ method: 'GET', url })));
    expect(ui?.statusCode).toBe(200);
    expect(ui?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(ui?.json().paths).toHaveProperty([INGEST, 'post']);
    expect(ui?.body).toBe(document?.body);
  });
});

describe('metrics', () => {
  it('when N transactions are ingested, then lucro_transactions_ingested_total grows by N and the request is timed by route', async () => {
    const before = await metrics();
    expect(before).toContain('lucro_transactions_ingested_total');
    const key = await ctx.key(['ingest']);
    const response = await ctx.app.inject({
      method: 'POST',
      url: INGEST,
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify(batchBody(7, { accountId: 'ACC-METRICS' })),
    });
    expect(response.statusCode).toBe(202);

    const after = await metrics();
    expect(sample(after, 'lucro_transactions_ingested_total') - sample(before, 'lucro_transactions_ingested_total')).toBe(7);
    const timed = { method: 'POST', route: INGEST, status: '202' };
    expect(sample(after, 'lucro_http_request_duration_seconds_count', timed) - sample(before, 'lucro_http_request_duration_seconds_count', timed)).toBe(1);
  });
});

describe('GET /api/categories', () => {
  it('when any valid key asks, even one with only the reports scope, then it lists the 17 categories with descriptions', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/categories', headers: bearer(await ctx.key(['reports'])) });
    expect(response.statusCode).toBe(200);
    const categories: Array<{ category: string; description: string }> = response.json().categories;
    expect(categories).toHaveLength(17);
    expect(categories.map((c) => c.category)).toEqual(expect.arrayContaining(['INCOME', 'FOOD_AND_DRINK', 'RENT_AND_UTILITIES', 'UNCATEGORIZED']));
    for (const c of categories) expect(c.description.length).toBeGreaterThan(0);
  });

  it('when no key is sent, then it answers 401 with WWW-Authenticate: Bearer', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/categories' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('unknown routes', () => {
  it('when a route does not exist, then it answers 404 problem details with code not_found', async () => {
    for (const request of [
      { url: '/nowhere', headers: {} },
      { url: '/api/nowhere', headers: bearer(await ctx.key()) },
    ]) {
      const response = await ctx.app.inject({ method: 'GET', ...request });
      expect(response.statusCode, request.url).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, code: 'not_found' });
    }
  });
});

describe('when the database is unreachable', () => {
  let container: Container;
  let app: FastifyInstance;

  beforeAll(async () => {
    container = await createContainer(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '0' }));
    app = await buildApp(container);
    await app.ready();
    validateResponsesAgainstDocument(app);
  });
  afterAll(async () => {
    await app?.close();
    await container?.close();
  });

  async function timed(request: InjectOptions) {
    const started = Date.now();
    const response = await app.inject(request);
    return { response, elapsed: Date.now() - started };
  }

  it('then /readyz answers 503 problem details within 5 s', async () => {
    const { response, elapsed } = await timed({ method: 'GET', url: '/readyz' });
    expect(elapsed).toBeLessThan(5_000);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.json()).toMatchObject({
      status: 503,
      code: 'service_unavailable',
      detail: 'Not ready: the database (PostgreSQL) is unreachable.',
      checks: { database: 'unreachable', queue: 'ok' },
      failed: ['database'],
    });
  });

  it('then /metrics still answers 200 at once: a scrape never queries the database', async () => {
    const { response, elapsed } = await timed({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('lucro_http_request_duration_seconds');
    // Far below the pool's 3 s connection timeout: no scrape waited on the database.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('then authenticated requests answer 503 service_unavailable with Retry-After within 5 s, never 500', async () => {
    // Well-formed, so only the database could tell whether it is a key.
    const headers = bearer(`lucro_${'k'.repeat(43)}`);
    for (const request of [
      { method: 'GET' as const, url: '/api/categories', headers },
      { method: 'GET' as const, url: '/api/batches/00000000-0000-4000-8000-000000000000', headers },
      { method: 'GET' as const, url: '/api/reports/account/ACC-001/summary', headers },
      { method: 'POST' as const, url: INGEST, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(batchBody(2)) },
    ]) {
      const { response, elapsed } = await timed(request);
      expect(elapsed, request.url).toBeLessThan(5_000);
      expect(response.statusCode, request.url).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.json()).toMatchObject({ status: 503, code: 'service_unavailable' });
    }
  });

  it('then /healthz still answers 200: the process is alive', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('the worker metrics server', () => {
  it('when a worker runs with METRICS_PORT and its Redis is down, then it serves the same probes (/readyz 503 naming the queue, /healthz and /metrics 200) and logs the outage once, in one line', async () => {
    const port = await freePort();
    const worker = startLucro(['worker'], { DATABASE_URL: ctx.db.url, REDIS_URL: 'redis://127.0.0.1:1', METRICS_PORT: String(port), ENRICHMENT_LATENCY_MS: '0' });
    try {
      await worker.waitForLog((l) => l.msg === 'worker started');
      const base = `http://127.0.0.1:${port}`;
      let ready: Response | undefined;
      await waitFor(async () => {
        ready = await fetch(`${base}/readyz`).catch(() => undefined);
        return ready !== undefined;
      }, 10_000, 'the metrics server to listen');
      expect(ready?.status).toBe(503);
      expect(ready?.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await ready?.json()).toMatchObject({ code: 'service_unavailable', checks: { database: 'ok', queue: 'unreachable' }, failed: ['queue'] });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('lucro_enrichments_total');
      // BullMQ reports each failed reconnection, several a second: the log says it once, in one line.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const aboutRedis = worker.lines.filter((l) => /queue/i.test(String(l.msg)) && l.level === 40);
      expect(aboutRedis.map((l) => l.msg)).toEqual(['the queue (Redis) is unreachable: the worker reconnects by itself, and says so again in a minute if it still cannot']);
      expect(JSON.stringify(aboutRedis)).not.toContain('stack');
    } finally {
      // Redis never answers its drain: it cuts the queue connection after a grace and still exits 0 (contract §9: within 30 s).
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  }, 60_000);
});
