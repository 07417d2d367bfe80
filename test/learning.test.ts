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

/** PATCHes a transaction's category (null unlocks it) and expects 200; the transaction it answers. */
async function correct(key: string, accountId: string, transactionId: string, category: string | null): Promise<Record<string, unknown>> {
  const response = await ctx.app.inject({
    method: 'PATCH',
    url: `/api/accounts/${accountId}/transactions/${transactionId}`,
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: JSON.stringify({ category }),
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('learning from corrections', () => {
  it('when a merchant is corrected, then its other lines enriched from 5 s later get the category as learned:merchant — in that integration only', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-a');
    const otherKey = await ctx.key(['ingest', 'reports'], 'bank-b');
    const first = await ingestAndEnrich(key, 'L-1', [line('A-1', 'POS Purchase Yoco *Dolci Cafe  * 07 Oct'), line('A-0', 'POS Purchase Shell Ultra City Ballito  * 06 Oct', '-64.00')]);
    expect(first.map((t) => [t.transaction_id, t.category])).toEqual([['A-0', 'TRANSPORTATION'], ['A-1', 'FOOD_AND_DRINK']]);
    // One branch of a fuel brand, where this customer buys food.
    await correct(key, 'L-1', 'A-0', 'FOOD_AND_DRINK');
    await correct(key, 'L-1', 'A-1', 'ENTERTAINMENT');
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

  it('when a merchant is corrected, then its name with the apostrophe sent as a space, and its other branches, are it too, before a keyword rule', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-spellings');
    await ingestAndEnrich(key, 'L-S', [line('S-1', "POS Purchase Marco's Pizzeria  * 07 Oct"), line('S-2', 'POS Purchase Zapper*Mzansi Grill House Gateway  * 07 Oct')]);
    await correct(key, 'L-S', 'S-1', 'ENTERTAINMENT');
    await correct(key, 'L-S', 'S-2', 'TRAVEL');
    await sleep(5_000);

    const later = await ingestAndEnrich(key, 'L-S', [
      line('S-3', 'POS Purchase Marco S Pizzeria  * 21 Nov'),
      line('S-4', 'POS Purchase Yoco *Mzansi Grill House Rosebank  * 21 Nov'),
      // One word shared is not one merchant: a keyword rule still answers.
      line('S-5', 'POS Purchase Mzansi Burgers Rosebank  * 21 Nov'),
    ]);
    expect(later.map((t) => [t.transaction_id, t.category, t.category_source])).toEqual([
      ['S-3', 'ENTERTAINMENT', 'learned:merchant'],
      ['S-4', 'TRAVEL', 'learned:merchant'],
      ['S-5', 'FOOD_AND_DRINK', expect.stringMatching(/^rules:/)],
    ]);
  });

  it('when merchants written in other scripts are corrected, then their later lines are them, and another merchant sharing only a Latin word is not', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-scripts');
    await ingestAndEnrich(key, 'L-U', [
      line('U-1', 'مطعم الشام فرع 12 الرياض'),
      line('U-2', 'Bistro 東京 0001'),
      // An invisible character inside the word: the same merchant as the line without it.
      line('U-3', 'Kwabe\u200bna Bakehouse 1234'),
      // The bank's wording in another script: the merchant is Florbit.
      line('U-7', 'Оплата услуг Florbit'),
      line('U-8', 'Оплата услуг Гарникс ١٢٣٤'),
    ]);
    await correct(key, 'L-U', 'U-1', 'MEDICAL');
    await correct(key, 'L-U', 'U-2', 'ENTERTAINMENT');
    await correct(key, 'L-U', 'U-3', 'TRAVEL');
    await correct(key, 'L-U', 'U-7', 'PERSONAL_CARE');
    await correct(key, 'L-U', 'U-8', 'HOME_IMPROVEMENT');
    await sleep(5_000);

    const later = await ingestAndEnrich(key, 'L-U', [
      line('U-4', 'مطعم الشام فرع 17 الرياض'),
      line('U-5', 'Bistro Марсель 0003'),
      line('U-6', 'Kwabena Bakehouse 5678'),
      line('U-9', 'Покупка Florbit'),
      line('U-10', 'Оплата услуг Garnix'),
      line('U-11', 'Оплата услуг Гарникс ٥٦٧٨'),
      line('U-12', 'Оплата услуг Хоббитон'),
    ]);
    const notLearned = [expect.not.stringMatching(/^(PERSONAL_CARE|HOME_IMPROVEMENT)$/), expect.not.stringMatching(/^learned:/)];
    expect(later.map((t) => [t.transaction_id, t.category, t.category_source])).toEqual([
      ['U-10', ...notLearned],
      ['U-11', 'HOME_IMPROVEMENT', 'learned:merchant'],
      // Another merchant after the same wording is not taken for it (the model may guess from the words).
      ['U-12', expect.any(String), expect.not.stringMatching(/^learned:(merchant|family)$/)],
      ['U-4', 'MEDICAL', 'learned:merchant'],
      ['U-5', expect.not.stringMatching(/^ENTERTAINMENT$/), expect.not.stringMatching(/^learned:merchant$/)],
      ['U-6', 'TRAVEL', 'learned:merchant'],
      ['U-9', 'PERSONAL_CARE', 'learned:merchant'],
    ]);
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
    for (const [id, category] of corrections) await correct(key, 'L-2', id, category);
    await sleep(5_000);
    const [unseen] = await ingestAndEnrich(key, 'L-2', [line('C-6', 'POS Purchase Kyalami Jukskeibaan  * 12 Nov', '-395.00')]);
    expect(unseen).toMatchObject({ category: 'ENTERTAINMENT', category_source: 'learned:model' });
    // Taught by five corrections only, it says it is unsure.
    expect(unseen?.category_confidence).toBeGreaterThan(0.2);
    expect(unseen?.category_confidence).toBeLessThan(0.4);
  });

  it('when a corrected transaction changes, then its lesson follows it: a pending one re-sent teaches its new text, a posted one that took its lock teaches in its place, a removed one teaches nothing', async () => {
    const key = await ctx.key(['ingest', 'reports'], 'bank-d');
    const patch = (id: string, category: string | null) => correct(key, 'L-3', id, category);
    const pending = (id: string, description: string) => ({ ...line(id, description), pending: true });
    await ingestAndEnrich(key, 'L-3', [
      pending('P-1', 'POS Purchase Kokoro Rivonia  * 01 Nov'),
      pending('P-2', 'POS Purchase Umhlali Jukskeibaan  * 01 Nov'),
      line('X-3', 'POS Purchase Zwartkop Farm Stall  * 01 Nov'),
    ]);
    await patch('P-1', 'TRAVEL');
    await patch('P-2', 'ENTERTAINMENT');
    await patch('X-3', 'MEDICAL');
    // P-1 comes again, still pending, naming another merchant; T-2 posts P-2; X-3 is removed.
    await ingestAndEnrich(key, 'L-3', [
      pending('P-1', 'POS Purchase Magnolia Deli  * 01 Nov'),
      { ...line('T-2', 'POS Purchase Umhlali Jukskeibaan  * 02 Nov'), pending_transaction_id: 'P-2' },
    ]);
    const removal = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify({ account_id: 'L-3', transaction_ids: ['X-3'] }),
    });
    expect(removal.json()).toMatchObject({ removed: 1 });
    await sleep(5_000);

    const later = await ingestAndEnrich(key, 'L-3', [
      line('N-1', 'POS Purchase Kokoro Rivonia  * 09 Nov'),
      line('N-2', 'POS Purchase Magnolia Deli  * 09 Nov'),
      line('N-3', 'POS Purchase Umhlali Jukskeibaan  * 09 Nov'),
      line('N-4', 'POS Purchase Zwartkop Farm Stall  * 09 Nov'),
    ]);
    const byId = Object.fromEntries(later.map((t) => [t.transaction_id, t]));
    expect(byId['N-1']?.category_source).not.toMatch(/^learned:/);
    expect(byId['N-2']).toMatchObject({ category: 'TRAVEL', category_source: 'learned:merchant' });
    expect(byId['N-3']).toMatchObject({ category: 'ENTERTAINMENT', category_source: 'learned:merchant' });
    expect(byId['N-4']?.category_source).not.toMatch(/^learned:/);

    // Unlocking the posted one takes the lesson back, for its own enrichment and the next line alike.
    expect(await patch('T-2', null)).toMatchObject({ category_locked: false, status: 'pending' });
    const [next] = await ingestAndEnrich(key, 'L-3', [line('N-5', 'POS Purchase Umhlali Jukskeibaan  * 10 Nov')]);
    expect(next?.category_source).not.toMatch(/^learned:/);
    await waitFor(async () => (await ctx.app.inject({ url: '/api/accounts/L-3/transactions/T-2', headers: bearer(key) })).json().status === 'completed', 20_000, 'T-2 enriched again');
    expect((await ctx.app.inject({ url: '/api/accounts/L-3/transactions/T-2', headers: bearer(key) })).json().category_source).not.toMatch(/^learned:/);
  });
});
