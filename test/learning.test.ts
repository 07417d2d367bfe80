import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  ctx.container.worker.start();
});
afterAll(async () => {
  await ctx.close();
});

function line(id: string, description: string, amount = '-48.00') {
  return { transaction_id: id, date: '2026-11-02', amount, currency: 'ZAR', description };
}

async function ingestAndEnrich(key: string, accountId: string, transactions: unknown[]): Promise<Array<Record<string, unknown>>> {
  const batchId = await ingestBatch(ctx, key, { account: { account_id: accountId, currency: 'ZAR' }, transactions });
  await waitFor(async () => (await ctx.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json().status === 'completed', 20_000, 'enrichment');
  return (await ctx.app.inject({ url: `/api/batches/${batchId}/transactions`, headers: bearer(key) })).json().transactions;
}

describe('learning from corrections', () => {
  it('when a merchant is corrected, then its other lines enriched from 5 s later get the category as learned:merchant — in that integration only', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-a');
    const otherKey = await ctx.key(['ingest', 'reports'], 'bank-b');
    const first = await ingestAndEnrich(key, 'L-1', [line('A-1', 'POS Purchase Yoco *Dolci Cafe  * 07 Oct'), line('A-0', 'POS Purchase Shell Ultra City Ballito  * 06 Oct', '-64.00')]);
    expect(first.map((t: { transaction_id: string; category: string }) => [t.transaction_id, t.category])).toEqual([['A-0', 'TRANSPORTATION'], ['A-1', 'FOOD_AND_DRINK']]);
    // One branch of a fuel brand, where this customer buys food.
    const shell = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/accounts/L-1/transactions/A-0',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify({ category: 'FOOD_AND_DRINK' }),
    });
    expect(shell.statusCode).toBe(200);

    const corrected = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/accounts/L-1/transactions/A-1',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify({ category: 'ENTERTAINMENT' }),
    });
    expect(corrected.statusCode).toBe(200);
    // The contract's promise: every transaction enriched from 5 s after the 200 on.
    await sleep(5_000);

    const later = await ingestAndEnrich(key, 'L-1', [
      line('A-2', 'POS Purchase Yoco *Dolci Cafe  * 21 Nov', '-52.00'),
      line('A-3', 'POS PURCHASE YOCO *DOLCI CAFE 14 DEC', '-36.50'),
      line('A-4', 'POS Purchase Yoco *Sweet Cafe  * 21 Nov'),
      // Another spelling sent as the merchant name; the description names the corrected merchant.
      { ...line('A-5', 'POS Purchase Yoco *Dolci Cafe  * 22 Nov'), merchant_name: 'Dolci Cafe Ballito' },
      // The same brand named otherwise: the correction, not the brand's category.
      line('A-6', 'SHELL OIL 5744 DURBAN', '-58.00'),
    ]);
    expect(later.map((t) => [t.transaction_id, t.category, t.category_source])).toEqual([
      ['A-2', 'ENTERTAINMENT', 'learned:merchant'],
      ['A-3', 'ENTERTAINMENT', 'learned:merchant'],
      ['A-4', 'FOOD_AND_DRINK', 'rules:food-keyword'],
      ['A-5', 'ENTERTAINMENT', 'learned:merchant'],
      ['A-6', 'FOOD_AND_DRINK', 'learned:merchant'],
    ]);
    expect(later[0]?.category_confidence).toBeGreaterThan(0.5);

    const elsewhere = await ingestAndEnrich(otherKey, 'L-1', [line('B-1', 'POS Purchase Yoco *Dolci Cafe  * 21 Nov'), line('B-2', 'SHELL OIL 5744 DURBAN', '-58.00')]);
    expect(elsewhere[0]).toMatchObject({ category: 'FOOD_AND_DRINK', category_source: expect.stringMatching(/^rules:/) });
    expect(elsewhere[1]).toMatchObject({ category: 'TRANSPORTATION', category_source: expect.stringMatching(/^rules:/) });
  });

  it('when several lines of a kind are corrected, then an unseen merchant of that kind is answered by the model with its confidence', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-c');
    const lines = [
      line('C-1', 'POS Purchase Umhlali Jukskeibaan  * 09 Sep', '-350.00'),
      line('C-2', 'POS Purchase Zwartkop Jukskeibaan  * 29 Sep', '-420.00'),
      line('C-3', 'POS Purchase Bryanston Jukskeiba  * 05 Nov', '-380.00'),
      line('C-4', 'POS Purchase Magnolia Farm Stall  * 01 Oct', '-410.00'),
      line('C-5', 'POS Purchase Lekker Biltong Ball  * 01 Oct', '-90.00'),
    ];
    await ingestAndEnrich(key, 'L-2', lines);
    const corrections: Array<[string, string]> = [
      ['C-1', 'ENTERTAINMENT'],
      ['C-2', 'ENTERTAINMENT'],
      ['C-3', 'ENTERTAINMENT'],
      ['C-4', 'FOOD_AND_DRINK'],
      ['C-5', 'FOOD_AND_DRINK'],
    ];
    for (const [id, category] of corrections) {
      const response = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/accounts/L-2/transactions/${id}`,
        headers: { ...bearer(key), 'content-type': 'application/json' },
        payload: JSON.stringify({ category }),
      });
      expect(response.statusCode).toBe(200);
    }
    await sleep(5_000);
    const [unseen] = await ingestAndEnrich(key, 'L-2', [line('C-6', 'POS Purchase Kyalami Jukskeibaan  * 12 Nov', '-395.00')]);
    expect(unseen).toMatchObject({ category: 'ENTERTAINMENT', category_source: 'learned:model' });
    expect(unseen?.category_confidence).toBeGreaterThan(0.6);
    expect(unseen?.category_confidence).toBeLessThan(1);
  });
});
