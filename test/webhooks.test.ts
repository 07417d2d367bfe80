import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/domain/query-params.js';
import { withTransaction } from '../src/infra/db.js';
import { verifyLucroSignature } from '../src/webhooks/signing.js';
import { purgeFinishedDeliveries, recordWebhookEvent } from '../src/webhooks/webhook.repository.js';
import { loadConfig } from '../src/config.js';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';
import { webhookChecker } from './helpers/openapi-validation.js';
import { startReceiver, type ReceivedWebhook, type Receiver } from './helpers/receiver.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const ENV = {
  WEBHOOK_SECRET_KEY: SECRET_KEY,
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_RETRY_BASE_MS: '600',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_SECRET_OVERLAP_SECONDS: '2',
};

let ctx: TestContext;
let key: string;
const logs: Array<Record<string, unknown>> = [];
/** Every signing secret the API handed out in this file, to check that none is ever logged. */
const issuedSecrets: string[] = [];
const receivers: Receiver[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  ctx = await createTestContext(ENV, { logger });
  key = await ctx.key(['ingest', 'reports'], 'hooked');
  ctx.container.worker.start();
  ctx.container.webhookDeliverer.start();
  ctx.container.changeNotifier.start();
});
afterAll(async () => {
  await ctx.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

function api(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, apiKey = key) {
  return ctx.app.inject({
    method,
    url,
    headers: body === undefined ? bearer(apiKey) : { ...bearer(apiKey), 'content-type': 'application/json' },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function subscribe(url: string, events: string[] = ['batch.completed'], apiKey = key): Promise<{ id: string; secret: string }> {
  const response = await api('POST', '/api/webhooks', { url, events }, apiKey);
  expect(response.statusCode, response.body).toBe(201);
  issuedSecrets.push(response.json().secret);
  return response.json();
}

async function deliveries(endpointId: string, query = '') {
  const response = await api('GET', `/api/webhooks/${endpointId}/deliveries${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().deliveries as Array<Record<string, unknown>>;
}

function nodeCryptoSignatures(header: string): { t: string; v1: string[] } {
  const parts = header.split(',').map((p) => p.split('='));
  return { t: parts.find(([k]) => k === 't')?.[1] ?? '', v1: parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '') };
}

describe('webhook endpoints (§13)', () => {
  it('when an endpoint is created, then 201 shows the whsec_ secret once; the list and later answers never show it', async () => {
    const response = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/lucro', events: ['batch.completed', 'transactions.changed'] });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    issuedSecrets.push(created.secret);
    expect(Object.keys(created).sort()).toEqual(['created_at', 'events', 'id', 'secret', 'url']);
    expect(created).toMatchObject({ url: 'https://hooks.example.com/lucro', events: ['batch.completed', 'transactions.changed'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);

    const list = await api('GET', '/api/webhooks');
    expect(list.statusCode).toBe(200);
    const listed = list.json().webhooks.find((w: { id: string }) => w.id === created.id);
    expect(listed).toEqual({ id: created.id, url: 'https://hooks.example.com/lucro', events: ['batch.completed', 'transactions.changed'], created_at: created.created_at });
    expect(list.body).not.toContain(created.secret);
    const { rows } = await ctx.sql.query('SELECT sealed FROM webhook_secrets s JOIN webhook_endpoints e ON e.id = s.endpoint_id WHERE e.id = $1', [created.id]);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0].sealed).toString('latin1')).not.toContain(created.secret.slice(6));

    // Events come back as they count: each type once, and `*` alone when it is given.
    const repeated = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/twice', events: ['batch.completed', 'batch.completed'] });
    expect(repeated.json().events).toEqual(['batch.completed']);
    const all = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/all', events: ['*', 'batch.completed'] });
    expect(all.json().events).toEqual(['*']);
    issuedSecrets.push(repeated.json().secret, all.json().secret);
  });

  it('when an endpoint is deleted, then 204, it leaves the list, what it still had waiting is failed, and deleting it again is 404', async () => {
    const { id } = await subscribe('https://hooks.example.com/gone', ['reenrichment.completed']);
    const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'hooked'");
    // Nothing sends to hooks.example.com here: hold the delivery back as if it waited for a retry.
    await withTransaction(ctx.container.pool, async (client) => {
      await recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', { reenrichment_id: 'ree_gone' });
      await client.query("UPDATE webhook_deliveries SET next_attempt_at = now() + interval '1 hour' WHERE endpoint_id = $1", [id]);
    });
    const deleted = await api('DELETE', `/api/webhooks/${id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await api('GET', '/api/webhooks')).json().webhooks.map((w: { id: string }) => w.id)).not.toContain(id);
    expect((await api('DELETE', `/api/webhooks/${id}`)).statusCode).toBe(404);
    const settled = await ctx.sql.query('SELECT status, last_error, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
    expect(settled.rows).toEqual([{ status: 'failed', last_error: 'endpoint deleted', next_attempt_at: null }]);
  });

  it('when an endpoint is deleted while an event for it is being recorded, then the delivery that event left behind is settled failed by the next sweep, and counts in no backlog', async () => {
    const { id } = await subscribe('https://hooks.example.com/deleted-meanwhile', ['reenrichment.completed']);
    const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'hooked'");
    const backlog = async () => {
      await ctx.container.webhookDeliverer.refreshGauges();
      return (await ctx.container.metrics.webhookBacklog.get()).values.find((v) => v.labels.state === 'pending')?.value;
    };
    const before = await backlog();
    const recording = await ctx.container.pool.connect();
    try {
      // The event's transaction is open when the delete runs, and commits after it: the delete cannot see its delivery.
      await recording.query('BEGIN');
      const eventId = await recordWebhookEvent(recording, rows[0].id, 'reenrichment.completed', { reenrichment_id: 'ree_deleted_meanwhile' });
      await recording.query("UPDATE webhook_deliveries SET next_attempt_at = now() + interval '1 hour' WHERE endpoint_id = $1", [id]);
      // Endpoints of earlier tests hear it too: settled here, so that the backlog tells only of this one.
      await recording.query("UPDATE webhook_deliveries SET status = 'delivered', next_attempt_at = NULL WHERE event_id = $1 AND endpoint_id <> $2", [eventId, id]);
      expect((await api('DELETE', `/api/webhooks/${id}`)).statusCode).toBe(204);
      await recording.query('COMMIT');
    } finally {
      recording.release();
    }
    const waiting = () => ctx.sql.query('SELECT status, last_error FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
    expect((await waiting()).rows).toEqual([{ status: 'pending', last_error: null }]);
    expect(await backlog()).toBe(before);

    await ctx.container.maintenance.sweep();
    expect((await waiting()).rows).toEqual([{ status: 'failed', last_error: 'endpoint deleted' }]);
  });

  it('when an integration has 100 endpoints, then another is refused 400 naming the limit until one is deleted', async () => {
    const capped = await ctx.key(['ingest'], 'capped');
    const first = await subscribe('https://hooks.example.com/capped-0', ['batch.completed'], capped);
    await ctx.sql.query(
      `INSERT INTO webhook_endpoints (id, integration_id, url, events)
       SELECT 'we_capped_' || n, i.id, 'https://hooks.example.com/capped-' || n, '{batch.completed}' FROM integrations i, generate_series(1, 99) n
        WHERE i.name = 'capped'`,
    );
    const refused = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/capped-100', events: ['batch.completed'] }, capped);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'validation_error',
      detail: 'An integration has at most 100 webhook endpoints; delete one to add another.',
      errors: [{ pointer: '/url' }],
    });
    expect((await api('GET', '/api/webhooks', undefined, capped)).json().webhooks).toHaveLength(100);
    expect((await api('DELETE', `/api/webhooks/${first.id}`, undefined, capped)).statusCode).toBe(204);
    await subscribe('https://hooks.example.com/capped-100', ['batch.completed'], capped);
  });

  it('when an event type is unknown or a field is missing, then 400 validation_error names each field and nothing is stored', async () => {
    const unknown = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/x', events: ['batch.completed', 'batch.exploded'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/events/1' }] });

    const missing = await api('POST', '/api/webhooks', { events: ['*'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/url' }] });

    const empty = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/x', events: [] });
    expect(empty.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/events' }] });

    // A misspelt field is refused, as PATCH and re-enrich refuse one, rather than silently ignored.
    const misspelt = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/x', events: ['*'], secret: 'whsec_mine' });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/secret' }] });

    const notUrl = await api('POST', '/api/webhooks', { url: 'not a url', events: ['*'] });
    expect(notUrl.statusCode).toBe(400);
    expect(notUrl.json()).toMatchObject({ code: 'invalid_webhook_url', errors: [{ pointer: '/url' }] });

    // Both wrong: one answer names both, so a client fixes them in one round.
    const both = await api('POST', '/api/webhooks', { url: 'hello', events: ['x'] });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/url', message: 'url is not an absolute URL' }, { pointer: '/events/0' }] });

    // What would be sent elsewhere than stored (a control character, a fragment) or nowhere (port 0).
    for (const url of ['https://hooks.example.com/a\u0000b', 'https://hooks.example.com/a\tb', 'https://hooks.example.com/a\nb', 'https://hooks.example.com/x#frag', 'https://hooks.example.com:0/x']) {
      const refused = await api('POST', '/api/webhooks', { url, events: ['*'] });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'invalid_webhook_url', errors: [{ pointer: '/url' }] });
    }

    const { rows } = await ctx.sql.query("SELECT count(*)::int AS n FROM webhook_endpoints WHERE url LIKE '%/x' OR url = 'not a url' OR url LIKE '%/a%b'");
    expect(rows[0].n).toBe(0);
  });

  it('when a webhook or delivery id in the path is malformed or holds a NUL, then 400 invalid_parameter names it; a well-formed unknown one is 404', async () => {
    const { id } = await subscribe('https://hooks.example.com/ids');
    const cases: Array<['GET' | 'POST' | 'DELETE', string, string]> = [
      ['DELETE', '/api/webhooks/%00', '/id'],
      ['POST', '/api/webhooks/%00/rotate-secret', '/id'],
      ['GET', '/api/webhooks/%00/deliveries', '/id'],
      ['POST', `/api/webhooks/${id}/deliveries/%00/retry`, '/delivery_id'],
      ['DELETE', '/api/webhooks/garbage', '/id'],
      ['POST', `/api/webhooks/${id}/deliveries/garbage/retry`, '/delivery_id'],
      ['GET', '/api/changes?cursor=%00', '/cursor'],
      ['GET', '/api/accounts/%00/transactions', '/account_id'],
    ];
    for (const [method, url, pointer] of cases) {
      const answer = await api(method, url, method === 'POST' ? {} : undefined);
      expect(answer.statusCode, url).toBe(400);
      expect(answer.json(), url).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer }] });
    }
    expect((await api('DELETE', '/api/webhooks/we_000000000000000000000000')).statusCode).toBe(404);
    expect((await api('POST', `/api/webhooks/${id}/deliveries/whd_00000000000000000000000000000000/retry`, {})).statusCode).toBe(404);
  });

  it('when an answer shows a signing secret (creation, rotation), then it says no cache may keep it', async () => {
    const created = await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/no-store', events: ['*'] });
    expect(created.headers['cache-control']).toBe('no-store');
    issuedSecrets.push(created.json().secret);
    const rotated = await api('POST', `/api/webhooks/${created.json().id}/rotate-secret`);
    expect(rotated.headers['cache-control']).toBe('no-store');
    issuedSecrets.push(rotated.json().secret);
    await api('DELETE', `/api/webhooks/${created.json().id}`);
  });

  it('when rotate-secret or retry is POSTed with a JSON Content-Type and an empty body, then it is accepted', async () => {
    const { id } = await subscribe('https://hooks.example.com/empty-body', ['*']);
    const response = await ctx.app.inject({ method: 'POST', url: `/api/webhooks/${id}/rotate-secret`, headers: { ...bearer(key), 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().secret).toMatch(/^whsec_/);
    await api('DELETE', `/api/webhooks/${id}`);
  });

  it('when a key lacks the ingest scope, then 403', async () => {
    const reportsOnly = await ctx.key(['reports'], 'hooked');
    expect((await api('GET', '/api/webhooks', undefined, reportsOnly)).statusCode).toBe(403);
    expect((await api('POST', '/api/webhooks', { url: 'https://hooks.example.com/x', events: ['*'] }, reportsOnly)).statusCode).toBe(403);
  });
});

describe('delivery, signatures and rotation', () => {
  it('when a batch holds only duplicates, then it is complete on arrival and batch.completed is delivered for it too', async () => {
    const hooks = await receiver();
    await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(2, { accountId: 'WH-DUPES' }));
    await waitFor(async () => hooks.received.length > 0, 20_000, 'the first batch.completed delivery');
    const again = await ingestBatch(ctx, key, batchBody(2, { accountId: 'WH-DUPES' }));
    await waitFor(async () => hooks.received.some((d) => d.body.data?.batch_id === again), 20_000, 'the duplicates batch.completed delivery');
    const delivery = hooks.received.find((d) => d.body.data?.batch_id === again);
    expect(delivery?.body).toMatchObject({ type: 'batch.completed', data: { batch_id: again, status: 'completed', counts: { total: 0 } } });
  });

  it('when a batch completes, then batch.completed is POSTed with the §5 batch, signed so both the exported verifier and node:crypto accept it', async () => {
    const hooks = await receiver();
    const { id, secret } = await subscribe(hooks.url);
    const batchId = await ingestBatch(ctx, key, batchBody(3, { accountId: 'WH-SIGN' }));
    await waitFor(async () => hooks.received.length > 0, 20_000, 'the batch.completed delivery');

    const [delivery] = hooks.received;
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.body.type).toBe('batch.completed');
    expect(delivery.body.id).toMatch(/^evt_/);
    expect(delivery.headers['lucro-event-id']).toBe(delivery.body.id);
    const batch = (await api('GET', `/api/batches/${batchId}`)).json();
    expect(batch.status).toBe('completed');
    expect(delivery.body.data).toEqual(batch);
    expect(new Date(delivery.body.created_at).toISOString()).toBe(delivery.body.created_at);

    const header = String(delivery.headers['lucro-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyLucroSignature(delivery.raw, header, [secret])).toBe(true);
    expect(verifyLucroSignature(delivery.raw, header, ['whsec_not-the-secret'])).toBe(false);
    expect(verifyLucroSignature(`${delivery.raw} `, header, [secret])).toBe(false);

    // Independently: HMAC-SHA256 keyed with the whole whsec_ string over "<t>.<raw body>".
    const { t, v1 } = nodeCryptoSignatures(header);
    const expected = createHmac('sha256', secret).update(`${t}.${delivery.raw}`).digest();
    expect(timingSafeEqual(expected, Buffer.from(v1[0] ?? '', 'hex'))).toBe(true);
    expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);

    await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'the delivery to be recorded');
    const log = await deliveries(id);
    expect(log).toEqual([
      {
        delivery_id: expect.stringMatching(/^whd_/),
        event_id: delivery.body.id,
        event_type: 'batch.completed',
        status: 'delivered',
        attempts: 1,
        last_response_status: 200,
        last_error: null,
        next_attempt_at: null,
        created_at: expect.any(String),
      },
    ]);
    const metrics = (await ctx.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^lucro_webhook_deliveries_total\{outcome="delivered"\} [1-9]/m);
    expect(metrics).toMatch(/^lucro_webhook_deliveries_pending\{state="due"\} \d+$/m);
  });

  it('when every kind of event is delivered, then each request is what the served OpenAPI document\'s webhooks say: headers and body', async () => {
    const hooks = await receiver();
    await subscribe(hooks.url, ['*']);
    await ingestBatch(ctx, key, batchBody(2, { accountId: 'WH-DOCUMENTED' }));
    const reenrich = await api('POST', '/api/accounts/WH-DOCUMENTED/reenrich', {});
    expect(reenrich.statusCode, reenrich.body).toBe(202);
    const types = ['batch.completed', 'transactions.changed', 'reenrichment.completed'];
    await waitFor(async () => types.every((type) => hooks.received.some((d) => d.body.type === type)), 30_000, 'one delivery of each event type');
    const check = webhookChecker((await ctx.app.inject({ url: '/openapi.json' })).json());
    for (const type of types) {
      const delivery = hooks.received.find((d) => d.body.type === type) as ReceivedWebhook;
      expect(check(delivery), type).toBeNull();
    }
    // The check can fail: a delivery missing its signature, or with data of the wrong shape, is named.
    const sample = hooks.received.find((d) => d.body.type === 'batch.completed') as ReceivedWebhook;
    expect(check({ headers: { ...sample.headers, 'lucro-signature': undefined }, body: sample.body })).toMatch(/without the header Lucro-Signature/);
    expect(check({ headers: sample.headers, body: { ...sample.body, data: { ...sample.body.data, counts: null } } })).toMatch(/body disagrees/);
  });

  it('when a corrected transaction is unlocked and enriched again, then its batch, complete again, is not announced a second time', async () => {
    const hooks = await receiver();
    const { id } = await subscribe(hooks.url);
    const batchId = await ingestBatch(ctx, key, batchBody(2, { accountId: 'WH-ONCE' }));
    await waitFor(async () => hooks.received.some((d) => d.body.data?.batch_id === batchId), 20_000, 'the batch.completed delivery');
    const patch = (category: string | null) =>
      ctx.app.inject({ method: 'PATCH', url: '/api/accounts/WH-ONCE/transactions/TX-1', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify({ category }) });
    expect((await patch('TRAVEL')).statusCode).toBe(200);
    expect((await patch(null)).statusCode).toBe(200);

    // The batch was opened again for the unlocked row; wait until a worker finished the row and stamped the batch complete.
    await waitFor(
      async () => (await ctx.sql.query("SELECT completed_at IS NOT NULL AS done FROM batches WHERE id = $1", [batchId])).rows[0]?.done === true,
      20_000,
      'the batch to be complete again',
    );
    expect((await api('GET', `/api/accounts/WH-ONCE/transactions/TX-1`)).json()).toMatchObject({ category_locked: false, category_source: expect.stringMatching(/^rules:/) });
    // An event would have been stored with the stamp: once nothing waits to be delivered, the log is complete.
    await waitFor(async () => (await deliveries(id)).every((d) => d.status === 'delivered'), 20_000, 'every delivery to be made');
    expect((await deliveries(id)).map((d) => d.event_type)).toEqual(['batch.completed']);
    expect(hooks.received.filter((d) => d.body.data?.batch_id === batchId)).toHaveLength(1);
  });

  it('when the secret is rotated, then deliveries carry a v1 for the new and the old secret, and the old one is dropped after its window', async () => {
    const hooks = await receiver();
    const { id, secret: oldSecret } = await subscribe(hooks.url);
    const rotated = await api('POST', `/api/webhooks/${id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const { secret: newSecret, ...rest } = rotated.json();
    issuedSecrets.push(newSecret);
    expect(rest).toEqual({ id });
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);

    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-ROT-1' }));
    await waitFor(async () => hooks.received.length === 1, 20_000, 'the first delivery after rotation');
    const during = hooks.received[0]!;
    const header = String(during.headers['lucro-signature']);
    expect(nodeCryptoSignatures(header).v1).toHaveLength(2);
    expect(verifyLucroSignature(during.raw, header, oldSecret)).toBe(true);
    expect(verifyLucroSignature(during.raw, header, newSecret)).toBe(true);

    // The window is 2 s in this test (WEBHOOK_SECRET_OVERLAP_SECONDS).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-ROT-2' }));
    await waitFor(async () => hooks.received.length === 2, 20_000, 'the delivery after the window');
    const after = hooks.received[1]!;
    const afterHeader = String(after.headers['lucro-signature']);
    expect(nodeCryptoSignatures(afterHeader).v1).toHaveLength(1);
    expect(verifyLucroSignature(after.raw, afterHeader, newSecret)).toBe(true);
    expect(verifyLucroSignature(after.raw, afterHeader, oldSecret)).toBe(false);
  });

  it('when the receiver answers 500 and then 200, then the event is retried after a backoff and delivered once, each attempt logged', async () => {
    const hooks = await receiver((n) => (n === 0 ? 500 : 200));
    const { id } = await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-RETRY' }));
    await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'the retried delivery');

    expect(hooks.received).toHaveLength(2);
    expect(hooks.received[1]!.body.id).toBe(hooks.received[0]!.body.id);
    const [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_response_status: 200, last_error: null, next_attempt_at: null });

    const attempts = logs.filter((l) => l.delivery_id === delivery!.delivery_id);
    expect(attempts.map((l) => [l.attempt, l.status_code, l.outcome])).toEqual([
      [1, 500, 'retried'],
      [2, 200, 'delivered'],
    ]);
    expect(attempts[0]).toMatchObject({ error: 'receiver answered 500', duration_ms: expect.any(Number), next_attempt_at: expect.any(String) });
    // The retry waited for its backoff: at least half of WEBHOOK_RETRY_BASE_MS (600 ms).
    expect(hooks.received[1]!.at - hooks.received[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('when the receiver never answers, then the attempt times out and the event is retried', async () => {
    const hooks = await receiver((n) => (n === 0 ? 'hang' : 204));
    const { id } = await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-HANG' }));
    await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'the delivery after a timeout');
    expect(hooks.received).toHaveLength(2);
    const [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_response_status: 204 });
    const first = logs.find((l) => l.delivery_id === delivery!.delivery_id && l.attempt === 1);
    expect(first).toMatchObject({ status_code: null, error: 'no answer within 1000 ms', outcome: 'retried' });
  });

  it('when a redirect is answered, then it is not followed and counts as a failure', async () => {
    const target = await receiver();
    const hooks = await receiver(() => 302);
    const { id } = await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-REDIRECT' }));
    await waitFor(async () => (await deliveries(id))[0]?.attempts === 1 && (await deliveries(id))[0]?.last_response_status === 302, 20_000, 'the redirected attempt');
    expect(target.received).toHaveLength(0);
    expect((await deliveries(id))[0]).toMatchObject({ status: 'pending', last_error: 'receiver answered 302' });
    await api('DELETE', `/api/webhooks/${id}`);
  });
});

describe('one slow receiver does not hold every slot', () => {
  it('when an endpoint hangs, then it holds at most WEBHOOK_ENDPOINT_CONCURRENCY deliveries and another endpoint is still served', async () => {
    const limited = await createTestContext({ ...ENV, DATABASE_URL: ctx.db.url, WEBHOOK_CONCURRENCY: '4', WEBHOOK_ENDPOINT_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '3000' });
    await ctx.container.webhookDeliverer.stop();
    try {
      limited.container.worker.start();
      limited.container.webhookDeliverer.start();
      const slow = await receiver(() => 'hang');
      const fast = await receiver();
      const slowKey = await ctx.key(['ingest'], 'two-endpoints');
      await subscribe(slow.url, ['reenrichment.completed'], slowKey);
      await subscribe(fast.url, ['reenrichment.completed'], slowKey);
      const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'two-endpoints'");
      await withTransaction(ctx.container.pool, async (client) => {
        for (let i = 1; i <= 6; i++) await recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', { reenrichment_id: `ree_${i}` });
      });
      // The process has 4 slots; the hanging endpoint may take only 2, so the other gets all 6 through meanwhile.
      // 40 s: on a machine loaded by other work (a review audit's 16 concurrent 5,000-row batches) 20 s once fell short.
      await waitFor(async () => fast.received.length === 6, 40_000, 'the fast endpoint to be served');
      // Until its first 3 s timeouts free them, the slow endpoint holds at most its 2 slots and gets nothing
      // more (on a loaded machine its second may start late, and after 3 s its retries begin).
      const firstAt = slow.received[0]?.at ?? 0;
      const held = slow.received.filter((r) => r.at < firstAt + 3_000).length;
      expect(held).toBeGreaterThanOrEqual(1);
      expect(held).toBeLessThanOrEqual(2);
    } finally {
      await limited.close();
      ctx.container.webhookDeliverer.start();
    }
  }, 60_000);
});

describe('events are stored with their cause', () => {
  it('when the transaction recording an event rolls back, then nothing is delivered; when it commits, then the event is', async () => {
    const hooks = await receiver();
    await subscribe(hooks.url, ['reenrichment.completed']);
    const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'hooked'");
    const integrationId = rows[0].id;
    const status = { reenrichment_id: 'ree_committed', status: 'completed', counts: { total: 2, pending: 0, processing: 0, completed: 2, failed: 0 } };

    await expect(
      withTransaction(ctx.container.pool, async (client) => {
        await recordWebhookEvent(client, integrationId, 'reenrichment.completed', { ...status, reenrichment_id: 'ree_rolled_back' });
        throw new Error('the cause failed');
      }),
    ).rejects.toThrow('the cause failed');
    await withTransaction(ctx.container.pool, (client) => recordWebhookEvent(client, integrationId, 'reenrichment.completed', status));

    await waitFor(async () => hooks.received.length === 1, 20_000, 'the committed event');
    expect(hooks.received.map((r) => r.body.data)).toEqual([status]);
    const stored = await ctx.sql.query("SELECT data->>'reenrichment_id' AS id FROM webhook_events WHERE data->>'reenrichment_id' IN ('ree_committed', 'ree_rolled_back')");
    expect(stored.rows).toEqual([{ id: 'ree_committed' }]);
    expect(hooks.received[0]!.body.type).toBe('reenrichment.completed');
  });

  it('when an endpoint subscribes to other events only, then it receives none of these', async () => {
    const hooks = await receiver();
    const { id } = await subscribe(hooks.url, ['reenrichment.completed']);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-OTHER' }));
    await waitFor(async () => (await ctx.sql.query("SELECT 1 FROM batches b JOIN accounts a ON a.id = b.account_id WHERE a.external_id = 'WH-OTHER' AND b.completed_at IS NOT NULL")).rowCount === 1, 20_000, 'the batch to complete');
    expect(await deliveries(id)).toEqual([]);
  });
});

describe('delivery log and manual retry', () => {
  it('when retries run out, then the delivery is failed; a manual retry sends the same event again at once', async () => {
    // Retries last 0.0003 h (about 1 s) in this context.
    const short = await createTestContext({ ...ENV, DATABASE_URL: ctx.db.url, WEBHOOK_RETRY_HOURS: '0.0003', WEBHOOK_RETRY_BASE_MS: '100' });
    // Only the short context's worker sends, so its retry window applies.
    await ctx.container.webhookDeliverer.stop();
    try {
      short.container.worker.start();
      short.container.webhookDeliverer.start();
      const hooks = await receiver(() => 410);
      const { id } = await subscribe(hooks.url);
      await ingestBatch(short, key, batchBody(1, { accountId: 'WH-FAIL' }));
      await waitFor(async () => (await deliveries(id, '?status=failed')).length === 1, 20_000, 'the delivery to fail');
      const [failed] = await deliveries(id, '?status=failed');
      expect(failed).toMatchObject({ status: 'failed', last_response_status: 410, last_error: 'receiver answered 410', next_attempt_at: null });
      expect(failed!.attempts).toBeGreaterThanOrEqual(2);
      expect(await deliveries(id, '?status=pending')).toEqual([]);
      const attemptsBefore = hooks.received.length;

      hooks.behave(() => 200);
      const retry = await api('POST', `/api/webhooks/${id}/deliveries/${failed!.delivery_id}/retry`);
      expect(retry.statusCode).toBe(202);
      expect(retry.json()).toEqual({ delivery_id: failed!.delivery_id });
      await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'the manual retry');
      expect(hooks.received).toHaveLength(attemptsBefore + 1);
      expect(hooks.received.at(-1)!.body.id).toBe(failed!.event_id);
      expect((await deliveries(id))[0]).toMatchObject({ attempts: Number(failed!.attempts) + 1, last_response_status: 200 });
    } finally {
      await short.close();
      ctx.container.webhookDeliverer.start();
    }
  });

  it('when an endpoint is deleted while an attempt to it is in flight, then its delivery stays failed once that attempt ends', async () => {
    const hooks = await receiver(() => 'hang');
    const { id } = await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-DELETED-IN-FLIGHT' }));
    await waitFor(async () => hooks.received.length === 1, 20_000, 'the attempt to be in flight');
    expect((await api('DELETE', `/api/webhooks/${id}`)).statusCode).toBe(204);
    // The attempt times out (WEBHOOK_TIMEOUT_MS 1 s) and its outcome is written, or not, after that.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const { rows } = await ctx.sql.query('SELECT status, last_error, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
    expect(rows).toEqual([{ status: 'failed', last_error: 'endpoint deleted', next_attempt_at: null }]);
    expect(hooks.received).toHaveLength(1);
  });

  it('when a delivery is retried while its attempt hangs, then it is sent again at once, not after that attempt\'s backoff', async () => {
    // A first retry 30-60 s after a failed attempt: only the manual retry can explain a prompt delivery.
    const slow = await createTestContext({ ...ENV, DATABASE_URL: ctx.db.url, WEBHOOK_RETRY_BASE_MS: '60000' });
    await ctx.container.webhookDeliverer.stop();
    try {
      slow.container.worker.start();
      slow.container.webhookDeliverer.start();
      const hooks = await receiver((n) => (n === 0 ? 'hang' : 200));
      const { id } = await subscribe(hooks.url);
      await ingestBatch(slow, key, batchBody(1, { accountId: 'WH-RETRY-IN-FLIGHT' }));
      await waitFor(async () => hooks.received.length === 1, 20_000, 'the first attempt to be in flight');
      const [inFlight] = await deliveries(id);
      const retry = await api('POST', `/api/webhooks/${id}/deliveries/${inFlight!.delivery_id}/retry`);
      expect(retry.statusCode).toBe(202);
      await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'the retried delivery');
      expect(hooks.received.map((r) => r.body.id)).toEqual([inFlight!.event_id, inFlight!.event_id]);
      // The hung attempt's outcome, written after, does not undo the delivery.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await deliveries(id))[0]).toMatchObject({ status: 'delivered', last_response_status: 200 });
    } finally {
      await slow.close();
      ctx.container.webhookDeliverer.start();
    }
  });

  it('when paging the log, then each delivery comes once, newest first; a bad status, limit or cursor is 400 invalid_parameter', async () => {
    const hooks = await receiver();
    const { id } = await subscribe(hooks.url);
    // One batch after the other, each delivered before the next is sent, so the three are created in a known order.
    for (const [n, account] of ['WH-PAGE-1', 'WH-PAGE-2', 'WH-PAGE-3'].entries()) {
      await ingestBatch(ctx, key, batchBody(1, { accountId: account }));
      await waitFor(async () => (await deliveries(id, '?status=delivered')).length === n + 1, 20_000, `delivery ${n + 1}`);
    }
    const all = await deliveries(id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api('GET', `/api/webhooks/${id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = response.json();
      seen.push(...page.deliveries.map((d: { delivery_id: string }) => d.delivery_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((d) => d.delivery_id));
    expect(seen).toHaveLength(3);
    expect(all.map((d) => d.created_at)).toEqual([...all.map((d) => String(d.created_at))].sort().reverse());

    // The log's numbers are shared by every integration: its cursors are sealed with the integration's key,
    // and one of the form handed out before (a delivery number in the clear) reads only as far as those could.
    const first = (await api('GET', `/api/webhooks/${id}/deliveries?limit=1`)).json().next_cursor;
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // A delivery of its own, as the previous version's cursor names it during a rolling upgrade, pages on; another's is refused.
    const own = await ctx.sql.query<{ seq: number }>('SELECT max(seq) AS seq FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
    const older = (await api('GET', `/api/webhooks/${id}/deliveries?cursor=${encodeCursor('deliveries', Number(own.rows[0]?.seq))}`)).json();
    expect(older.deliveries.map((d: { delivery_id: string }) => d.delivery_id)).toEqual(all.slice(1).map((d) => d.delivery_id));
    const { rows } = await ctx.sql.query<{ seq: number }>('SELECT max(seq) + 1 AS seq FROM webhook_deliveries');
    const legacy = encodeCursor('deliveries', Number(rows[0]?.seq));
    for (const query of ['status=done', 'limit=0', 'limit=1001', 'cursor=garbage', `cursor=${legacy}`]) {
      const response = await api('GET', `/api/webhooks/${id}/deliveries?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('invalid_parameter');
    }
  });
});

describe('tenancy', () => {
  it("when another integration asks for an endpoint or a delivery, then 404, and its list never shows them", async () => {
    const hooks = await receiver();
    const { id } = await subscribe(hooks.url);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'WH-TENANT' }));
    await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered', 20_000, 'a delivery');
    const [delivery] = await deliveries(id);
    const other = await ctx.key(['ingest', 'reports'], 'other-integration');

    expect((await api('GET', '/api/webhooks', undefined, other)).json()).toEqual({ webhooks: [] });
    for (const [method, url] of [
      ['GET', `/api/webhooks/${id}/deliveries`],
      ['POST', `/api/webhooks/${id}/rotate-secret`],
      ['POST', `/api/webhooks/${id}/deliveries/${delivery!.delivery_id}/retry`],
      ['DELETE', `/api/webhooks/${id}`],
    ] as const) {
      const response = await api(method, url, undefined, other);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
    // A cursor of the old form naming one of the endpoint's deliveries, or none, tells nothing either.
    const { rows } = await ctx.sql.query('SELECT seq FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
    for (const seq of [Number(rows[0]?.seq), Number(rows[0]?.seq) + 1_000_000]) {
      const probed = await api('GET', `/api/webhooks/${id}/deliveries?cursor=${encodeCursor('deliveries', seq)}`, undefined, other);
      expect(probed.statusCode, `cursor at ${seq}`).toBe(404);
    }
    // Nothing the other integration did changed the endpoint.
    expect((await api('GET', '/api/webhooks')).json().webhooks.map((w: { id: string }) => w.id)).toContain(id);
    expect((await deliveries(id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});

describe('transactions.changed', () => {
  it('when changes keep committing, then one event per 5 s per integration carries the cursor to read on from where the last one stopped', async () => {
    const feedKey = await ctx.key(['ingest', 'reports'], 'feed');
    const hooks = await receiver();
    await subscribe(hooks.url, ['transactions.changed'], feedKey);
    await ingestBatch(ctx, feedKey, batchBody(2, { accountId: 'FEED-1', prefix: 'A' }));
    await waitFor(async () => hooks.received.length === 1, 20_000, 'the first notification');
    await ingestBatch(ctx, feedKey, batchBody(2, { accountId: 'FEED-1', prefix: 'B' }));
    await ingestBatch(ctx, feedKey, batchBody(2, { accountId: 'FEED-1', prefix: 'C' }));
    await waitFor(async () => hooks.received.length === 2, 20_000, 'the second notification');

    const [first, second] = hooks.received as [ReceivedWebhook, ReceivedWebhook];
    expect(first.body).toEqual({ id: expect.stringMatching(/^evt_/), type: 'transactions.changed', created_at: expect.any(String), data: { cursor: expect.any(String) } });
    // Coalesced: the changes of B, C and the enrichments in between made one event, not one each,
    // and it reached the receiver 5 s or more after the first.
    expect(Date.parse(second.body.created_at) - Date.parse(first.body.created_at)).toBeGreaterThanOrEqual(5_000);
    expect(second.at - first.at).toBeGreaterThanOrEqual(5_000);

    const added = async (cursor: unknown) => {
      const ids: string[] = [];
      for (let next = String(cursor), more = true; more; ) {
        const page = (await api('GET', `/api/changes?cursor=${next}&limit=1000`, undefined, feedKey)).json();
        ids.push(...page.changes.filter((c: { type: string }) => c.type === 'transaction.added').map((c: { transaction_id: string }) => c.transaction_id));
        [next, more] = [page.next_cursor, page.has_more];
      }
      return ids.sort();
    };
    expect(await added(first.body.data.cursor)).toEqual(['A-1', 'A-2', 'B-1', 'B-2', 'C-1', 'C-2']);
    expect(await added(second.body.data.cursor)).toEqual(['B-1', 'B-2', 'C-1', 'C-2']);
  });
});

describe('the delivery log is kept WEBHOOK_RETENTION_DAYS (30 by default)', () => {
  it('when finished deliveries are older than the retention, then a sweep drops them and their events, and keeps a younger one and a pending one', async () => {
    const { id } = await subscribe('https://hooks.example.com/kept', ['reenrichment.completed']);
    const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'hooked'");
    // Nothing sends to hooks.example.com here: each delivery is set as it would have ended.
    const record = async (name: string, status: 'delivered' | 'failed' | 'pending', daysAgo: number) => {
      await withTransaction(ctx.container.pool, async (client) => {
        const eventId = await recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', { reenrichment_id: name });
        await client.query('UPDATE webhook_events SET created_at = now() - make_interval(days => $2) WHERE id = $1', [eventId, daysAgo]);
        await client.query(
          `UPDATE webhook_deliveries SET status = $3, created_at = now() - make_interval(days => $2),
                  next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + interval '1 hour' END
            WHERE event_id = $1`,
          [eventId, daysAgo, status],
        );
      });
    };
    await record('old-delivered', 'delivered', 31);
    await record('old-failed', 'failed', 40);
    await record('young-delivered', 'delivered', 29);
    await record('old-pending', 'pending', 31);
    expect(await deliveries(id)).toHaveLength(4);

    await ctx.container.maintenance.sweep();
    const left = await ctx.sql.query(
      `SELECT e.data->>'reenrichment_id' AS name, d.status FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.endpoint_id = $1 ORDER BY 1`,
      [id],
    );
    expect(left.rows).toEqual([
      { name: 'old-pending', status: 'pending' },
      { name: 'young-delivered', status: 'delivered' },
    ]);
    expect(await deliveries(id)).toHaveLength(2);
    const events = await ctx.sql.query(`SELECT data->>'reenrichment_id' AS name FROM webhook_events WHERE data->>'reenrichment_id' LIKE 'old-%' ORDER BY 1`);
    expect(events.rows).toEqual([{ name: 'old-pending' }]);
    expect(() => loadConfig({ WEBHOOK_RETENTION_DAYS: '0' })).toThrow('WEBHOOK_RETENTION_DAYS');
  });
});

describe('retention and a retry at once', () => {
  it('when a retry makes an old failed delivery pending while the purge waits for it, then the purge keeps it', async () => {
    const { id } = await subscribe('https://hooks.example.com/raced', ['reenrichment.completed']);
    const { rows } = await ctx.sql.query("SELECT id FROM integrations WHERE name = 'hooked'");
    await withTransaction(ctx.container.pool, async (client) => {
      const eventId = await recordWebhookEvent(client, rows[0].id, 'reenrichment.completed', { reenrichment_id: 'raced' });
      await client.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, created_at = now() - interval '40 days' WHERE event_id = $1 AND endpoint_id = $2`, [eventId, id]);
    });
    const retrying = await ctx.container.pool.connect();
    try {
      // The retry's update holds the row while the purge picks it.
      await retrying.query('BEGIN');
      await retrying.query(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() + interval '1 hour' WHERE endpoint_id = $1`, [id]);
      const purged = purgeFinishedDeliveries(ctx.container.pool, 30, 5_000);
      await sleep(300);
      await retrying.query('COMMIT');
      await purged;
    } finally {
      retrying.release();
    }
    expect(await deliveries(id)).toMatchObject([{ status: 'pending' }]);
  });
});

describe('secrets stay secret', () => {
  it('when every test above has run, then no log line carries a signing secret or WEBHOOK_SECRET_KEY', () => {
    expect(issuedSecrets.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(10);
    const logged = logs.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of issuedSecrets) {
      expect(logged).not.toContain(secret);
      // Nor the random part alone.
      expect(logged).not.toContain(secret.slice('whsec_'.length));
    }
    expect(logged).not.toContain(SECRET_KEY);
    expect(logged).not.toContain(Buffer.from(SECRET_KEY, 'base64').toString('hex'));
  });
});
