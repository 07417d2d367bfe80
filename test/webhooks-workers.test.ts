import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/infra/db.js';
import { verifyLucroSignature } from '../src/webhooks/signing.js';
import { recordWebhookEvent } from '../src/webhooks/webhook.repository.js';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

/** Webhook delivery by worker processes against real PostgreSQL. */
const ENV = {
  WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_POLL_INTERVAL_MS: '100',
  ENRICHMENT_LATENCY_MS: '0',
};
let ctx: TestContext;
let key: string;
let hooks: Receiver;
const started: LucroProcess[] = [];

beforeAll(async () => {
  ctx = await createTestContext(ENV);
  key = await ctx.key(['ingest']);
  hooks = await startReceiver();
});
afterAll(async () => {
  for (const p of started) p.child.kill('SIGKILL');
  await ctx.close();
  await hooks.close();
});

function worker(env: Record<string, string> = {}): LucroProcess {
  const p = startLucro(['worker'], { DATABASE_URL: ctx.db.url, ...ENV, ...env });
  started.push(p);
  return p;
}

/** Subscribes the receiver through `through`'s API, then records one reenrichment.completed event. */
async function subscribeAndRecord(through: TestContext, reenrichmentId: string) {
  const created = await through.app.inject({
    method: 'POST',
    url: '/api/webhooks',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: JSON.stringify({ url: hooks.url, events: ['reenrichment.completed'] }),
  });
  const { id, secret } = created.json();
  const { rows } = await ctx.sql.query('SELECT id FROM integrations LIMIT 1');
  const status = { reenrichment_id: reenrichmentId, status: 'completed', counts: { total: 1, pending: 0, processing: 0, completed: 1, failed: 0 } };
  const eventId = await withTransaction(ctx.container.pool, (client) => recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', status));
  return { id: id as string, secret: secret as string, status, eventId };
}

describe('worker processes delivering webhooks', () => {
  it('when a worker is SIGKILLed mid-delivery, then the delivery is sent again after restart with the same event id, and delivered', async () => {
    hooks.behave((n) => (n === 0 ? 'hang' : 200));
    const { id, status, eventId } = await subscribeAndRecord(ctx, 'ree_kill');

    const victim = worker();
    await waitFor(async () => hooks.received.length === 1, 30_000, 'the victim to start the delivery');
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const during = (await ctx.sql.query('SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = $1', [id])).rows;
    expect(during).toEqual([{ status: 'pending', attempts: 1 }]);

    const rescuer = worker();
    await waitFor(
      async () => (await ctx.sql.query("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", [id])).rowCount === 1,
      30_000,
      'the rescuer to deliver',
    );
    expect(hooks.received.map((r) => [r.headers['lucro-event-id'], r.body.id])).toEqual([
      [eventId, eventId],
      [eventId, eventId],
    ]);
    expect(hooks.received[1]!.body.data).toEqual(status);
    const after = (await ctx.sql.query('SELECT status, attempts, last_response_status FROM webhook_deliveries WHERE endpoint_id = $1', [id])).rows;
    expect(after).toEqual([{ status: 'delivered', attempts: 2, last_response_status: 200 }]);
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
  }, 60_000);

  it('when the queue holds a minute of enrichment work, then a delivery that falls due is still sent within seconds, not after that work', async () => {
    const queue = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-wh-${randomBytes(4).toString('hex')}` };
    const api = await createTestContext({ ...ENV, ...queue, DATABASE_URL: ctx.db.url });
    let sender: LucroProcess | undefined;
    try {
      hooks.behave(() => 200);
      const ingestKey = await api.key(['ingest'], 'backlogged');
      // 300 one-row batches, 300 jobs, for a worker that enriches one row at a time in 200-300 ms.
      for (let i = 0; i < 300; i += 1) await ingestBatch(api, ingestKey, batchBody(1, { accountId: `ACC-BACKLOG-${i}` }));
      sender = worker({ ...queue, WORKER_CONCURRENCY: '1', ENRICHMENT_LATENCY_MS: '200-300', WEBHOOK_POLL_INTERVAL_MS: '500' });
      await sender.waitForLog((line) => line.msg === 'worker started', 30_000);
      const { id } = await subscribeAndRecord(api, 'ree_backlogged');
      await waitFor(
        async () => (await ctx.sql.query("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", [id])).rowCount === 1,
        15_000,
        'the delivery to be sent ahead of the enrichment backlog',
      );
      // The backlog was still there: the delivery went ahead of it, not after it.
      const { rows } = await ctx.sql.query(
        "SELECT count(*)::int AS waiting FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id LIKE 'ACC-BACKLOG-%' AND t.status = 'pending'",
      );
      expect(rows[0].waiting).toBeGreaterThan(100);
    } finally {
      sender?.child.kill('SIGTERM');
      await sender?.exited;
      await api.close();
    }
  }, 90_000);

  it('when Retry now is pressed on an API process, then a worker process sends the delivery at once as a queue job, without waiting for its next look', async () => {
    // The worker looks for due deliveries once at start, then only every 10 minutes: only the job the API queues can explain a prompt delivery.
    const queue = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-wh-${randomBytes(4).toString('hex')}` };
    const api = await createTestContext({ ...ENV, ...queue, DATABASE_URL: ctx.db.url });
    let sender: LucroProcess | undefined;
    try {
      hooks.behave(() => 200);
      const { id, status, eventId } = await subscribeAndRecord(api, 'ree_retry_now');
      // As if its retries (to this endpoint and the one of the test above) had run out before the worker started.
      await ctx.sql.query("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'receiver answered 503' WHERE event_id = $1", [eventId]);
      sender = worker({ ...queue, WEBHOOK_POLL_INTERVAL_MS: '600000' });
      await sender.waitForLog((line) => line.msg === 'worker started', 30_000);
      const received = hooks.received.length;

      const [delivery] = (await ctx.sql.query('SELECT id AS delivery_id FROM webhook_deliveries WHERE endpoint_id = $1', [id])).rows;
      const retry = await api.app.inject({ method: 'POST', url: `/api/webhooks/${id}/deliveries/${delivery.delivery_id}/retry`, headers: bearer(key) });
      expect(retry.statusCode).toBe(202);
      await waitFor(
        async () => (await ctx.sql.query("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", [id])).rowCount === 1,
        20_000,
        'the worker to send the retried delivery',
      );
      expect(hooks.received.length).toBe(received + 1);
      expect(hooks.received.at(-1)!.body.data).toEqual(status);
    } finally {
      sender?.child.kill('SIGTERM');
      await sender?.exited;
      await api.close();
    }
  }, 60_000);

  it("when a worker's WEBHOOK_SECRET_KEY is not the API's, then it sends nothing and counts no attempt; once the endpoint's secret is rotated under its key, it delivers signed with the new secret", async () => {
    hooks.behave(() => 200);
    const { id, eventId } = await subscribeAndRecord(ctx, 'ree_other_key');
    // Older than the retry window, as a delivery an integration asked to send again: that is no reason to give up on it.
    await ctx.sql.query("UPDATE webhook_deliveries SET created_at = now() - interval '25 hours' WHERE endpoint_id = $1", [id]);
    const otherKey = randomBytes(32).toString('base64');
    const deliveryOf = async () =>
      (await ctx.sql.query('SELECT status, attempts, last_error FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2', [id, eventId])).rows[0];

    const stranger = worker({ WEBHOOK_SECRET_KEY: otherKey });
    await stranger.waitForLog((line) => line.endpoint_id === id && String(line.msg).includes("WEBHOOK_SECRET_KEY cannot open the endpoint's signing secrets"));
    expect(await deliveryOf()).toEqual({ status: 'pending', attempts: 0, last_error: expect.stringContaining('could not be signed') });
    // One that no worker could sign for a whole retry window ends failed: nothing waits for ever.
    const { id: late, eventId: lateEvent } = await subscribeAndRecord(ctx, 'ree_other_key_late');
    await ctx.sql.query("UPDATE webhook_deliveries SET unsigned_since = now() - interval '25 hours' WHERE endpoint_id = $1", [late]);
    await waitFor(
      async () => (await ctx.sql.query("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'failed'", [late])).rowCount === 1,
      30_000,
      'the delivery past its window to fail',
    );
    expect((await ctx.sql.query('SELECT attempts, last_error FROM webhook_deliveries WHERE endpoint_id = $1', [late])).rows).toEqual([
      { attempts: 0, last_error: 'not sent: it could not be signed within its retry window' },
    ]);
    expect(hooks.received.filter((r) => r.body.id === lateEvent)).toEqual([]);
    expect(hooks.received.filter((r) => r.body.id === eventId)).toEqual([]);
    stranger.child.kill('SIGTERM');
    expect(await stranger.exited).toBe(0);

    // The operator moved every process to the new key: the API seals the rotated secret with it.
    const api = await createTestContext({ ...ENV, WEBHOOK_SECRET_KEY: otherKey, DATABASE_URL: ctx.db.url });
    let rekeyed: LucroProcess | undefined;
    try {
      const rotated = await api.app.inject({ method: 'POST', url: `/api/webhooks/${id}/rotate-secret`, headers: bearer(key) });
      expect(rotated.statusCode).toBe(200);
      rekeyed = worker({ WEBHOOK_SECRET_KEY: otherKey });
      await waitFor(async () => (await deliveryOf()).status === 'delivered', 30_000, 'the worker with the new key to deliver');
      expect(await deliveryOf()).toMatchObject({ status: 'delivered', attempts: 1 });
      const sent = hooks.received.filter((r) => r.body.id === eventId && verifyLucroSignature(r.raw, r.headers['lucro-signature'] as string, rotated.json().secret));
      expect(sent).toHaveLength(1);
      // Signed by the one secret its key opens, not by the old one it cannot; the operator is told.
      expect((sent[0]!.headers['lucro-signature'] as string).match(/v1=/g)).toHaveLength(1);
      await rekeyed.waitForLog((line) => line.endpoint_id === id && String(line.msg).includes("cannot open some of the endpoint's signing secrets"));
    } finally {
      rekeyed?.child.kill('SIGTERM');
      await rekeyed?.exited;
      await api.close();
    }
  }, 90_000);
});
