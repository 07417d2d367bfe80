import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/infra/db.js';
import { recordWebhookEvent } from '../src/webhooks/webhook.repository.js';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';
import { startLucro, waitFor, type LucroProcess } from './helpers/processes.js';
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

function worker(): LucroProcess {
  const p = startLucro(['worker'], { DATABASE_URL: ctx.db.url, ...ENV });
  started.push(p);
  return p;
}

describe('worker processes delivering webhooks', () => {
  it('when a worker is SIGKILLed mid-delivery, then the delivery is sent again after restart with the same event id, and delivered', async () => {
    hooks.behave((n) => (n === 0 ? 'hang' : 200));
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify({ url: hooks.url, events: ['reenrichment.completed'] }),
    });
    const { id } = created.json();
    const { rows } = await ctx.sql.query('SELECT id FROM integrations LIMIT 1');
    const status = { reenrichment_id: 'ree_kill', status: 'completed', counts: { total: 1, pending: 0, processing: 0, completed: 1, failed: 0 } };
    const eventId = await withTransaction(ctx.container.pool, (client) => recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', status));

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
});
