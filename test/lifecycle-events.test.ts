import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

/**
 * A batch can finish without a worker: its last unfinished transactions are removed, move to a later
 * batch or are replaced by their posted ones (§10). It is then complete, and its subscribers hear
 * batch.completed (§13) as they do for any other batch. No worker runs in this file, so nothing else
 * completes a batch.
 */
let ctx: TestContext;
let key: string;
let hooks: Receiver;

beforeAll(async () => {
  ctx = await createTestContext({ WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'), WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_INTERVAL_MS: '50' });
  key = await ctx.key(['ingest', 'reports']);
  hooks = await startReceiver();
  const subscribed = await call('POST', '/api/webhooks', { url: hooks.url, events: ['batch.completed'] });
  expect(subscribed.statusCode, subscribed.body).toBe(201);
  ctx.container.webhookDeliverer.start();
});
afterAll(async () => {
  await ctx.close();
  await hooks.close();
});

function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return ctx.app.inject({ method, url, headers: payload === undefined ? bearer(key) : { ...bearer(key), 'content-type': 'application/json' }, payload: payload === undefined ? undefined : JSON.stringify(payload) });
}

async function ingest(accountId: string, transactions: Array<Record<string, unknown>>): Promise<{ batch_id: string; status: string }> {
  const response = await call('POST', '/api/integrations/transactions', {
    account: { account_id: accountId, currency: 'USD' },
    transactions: transactions.map((t) => ({ date: '2026-11-06', amount: '-8.00', description: 'NIGHT MARKET STALL', ...t })),
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json();
}

async function completedEventFor(batchId: string) {
  await waitFor(async () => hooks.received.some((r) => r.body.data.batch_id === batchId), 10_000, `batch.completed for ${batchId}`);
  return hooks.received.filter((r) => r.body.data.batch_id === batchId);
}

describe('batches that finish without a worker (§10, §13)', () => {
  it('when the last pending transaction of a batch is removed, then the batch is completed and batch.completed is delivered for it', async () => {
    const batch = await ingest('E-RM', [{ transaction_id: 'P-1', pending: true }]);
    expect(batch.status).toBe('pending');
    expect((await call('POST', '/api/integrations/transactions/remove', { account_id: 'E-RM', transaction_ids: ['P-1'] })).statusCode).toBe(200);

    const shown = (await call('GET', `/api/batches/${batch.batch_id}`)).json();
    expect(shown).toMatchObject({ status: 'completed', counts: { total: 0, pending: 0 } });
    const events = await completedEventFor(batch.batch_id);
    expect(events).toHaveLength(1);
    expect(events[0]?.body).toMatchObject({ type: 'batch.completed', data: shown });
  });

  it('when a pending transaction is sent again changed, then the batch it leaves empty is completed and announced; the batch it joins waits for enrichment', async () => {
    const first = await ingest('E-MOVE', [{ transaction_id: 'P-2', pending: true }]);
    const second = await ingest('E-MOVE', [{ transaction_id: 'P-2', pending: true, amount: '-9.50' }]);
    expect(second).toMatchObject({ status: 'pending', modified: 1 });

    const events = await completedEventFor(first.batch_id);
    expect(events).toHaveLength(1);
    expect(events[0]?.body.data).toMatchObject({ batch_id: first.batch_id, status: 'completed', counts: { total: 0 } });
    expect((await call('GET', `/api/batches/${second.batch_id}`)).json()).toMatchObject({ status: 'pending', counts: { total: 1, pending: 1 } });
  });

  it('when a posted transaction replaces the last pending one of an earlier batch, then that batch is completed and announced', async () => {
    const first = await ingest('E-POST', [{ transaction_id: 'P-3', pending: true }]);
    const posted = await ingest('E-POST', [{ transaction_id: 'T-3', pending_transaction_id: 'P-3', amount: '-10.00' }]);
    expect(posted.status).toBe('pending');

    const events = await completedEventFor(first.batch_id);
    expect(events[0]?.body.data).toMatchObject({ batch_id: first.batch_id, status: 'completed', counts: { total: 0 } });
    // The posted one waits for a worker: its batch is not announced.
    expect(hooks.received.some((r) => r.body.data.batch_id === posted.batch_id)).toBe(false);
  });

  it('when a batch still has other unfinished rows, then removing one of them announces nothing', async () => {
    const batch = await ingest('E-PART', [
      { transaction_id: 'P-4', pending: true },
      { transaction_id: 'P-5', pending: true },
    ]);
    await call('POST', '/api/integrations/transactions/remove', { account_id: 'E-PART', transaction_ids: ['P-4'] });
    expect((await call('GET', `/api/batches/${batch.batch_id}`)).json()).toMatchObject({ status: 'pending', counts: { total: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received.some((r) => r.body.data.batch_id === batch.batch_id)).toBe(false);
  });
});
