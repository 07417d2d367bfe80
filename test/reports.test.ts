import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let ingestKey: string;
let reportsKey: string;
let otherIngestKey: string;

type Status = 'pending' | 'processing' | 'completed' | 'failed';
/** One seeded transaction: date, amount as sent, and what enrichment would have set. */
interface Seed {
  date: string;
  amount: string;
  category?: string | null;
  status?: Status;
}

/** Ingests the transactions over HTTP (ids T1, T2, …), then sets categories and statuses as a worker would. */
async function seed(accountId: string, currency: string, transactions: Seed[], key = ingestKey): Promise<void> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions/',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: {
      account: { account_id: accountId, currency },
      transactions: transactions.map((t, i) => ({ transaction_id: `T${i + 1}`, date: t.date, amount: t.amount, currency, merchant_name: 'Shop' })),
    },
  });
  expect(response.statusCode).toBe(202);
  const batchId: string = response.json().batch_id;
  for (const [i, t] of transactions.entries()) {
    await ctx.sql.query('UPDATE transactions SET category = $3, status = $4 WHERE batch_id = $1 AND transaction_id = $2', [
      batchId,
      `T${i + 1}`,
      t.category ?? null,
      t.status ?? 'pending',
    ]);
  }
}

function summary(accountId: string, query: Record<string, string> = {}, headers: Record<string, string> = bearer(reportsKey)) {
  const search = new URLSearchParams(query).toString();
  return ctx.app.inject({ method: 'GET', url: `/api/reports/account/${accountId}/summary${search ? `?${search}` : ''}`, headers });
}

beforeAll(async () => {
  ctx = await createTestContext();
  ingestKey = await ctx.key(['ingest']);
  reportsKey = await ctx.key(['reports']);
  otherIngestKey = await ctx.key(['ingest'], 'globex');

  await seed('ACC-SIGNS', 'USD', [
    { date: '2026-03-01', amount: '-12.50' },
    { date: '2026-03-02', amount: '-30.25' },
    { date: '2026-03-03', amount: '100.00' },
    { date: '2026-03-04', amount: '0.75' },
  ]);
  await seed('ACC-NEG', 'USD', [
    { date: '2026-03-01', amount: '-200.10' },
    { date: '2026-03-02', amount: '50.05' },
  ]);
  await seed('ACC-DATES', 'USD', [
    { date: '2026-01-31', amount: '-1.00' },
    { date: '2026-02-01', amount: '-2.00' },
    { date: '2026-02-10', amount: '32.00' },
    { date: '2026-02-15', amount: '-4.00' },
    { date: '2026-02-28', amount: '-8.00' },
    { date: '2026-03-01', amount: '-16.00' },
  ]);
  await seed('ACC-JPY', 'JPY', [
    { date: '2026-05-01', amount: '-1500', category: 'FOOD_AND_DRINK' },
    { date: '2026-05-02', amount: '-250', category: 'FOOD_AND_DRINK' },
    { date: '2026-05-03', amount: '3000', category: 'INCOME' },
  ]);
  await seed('ACC-BHD', 'BHD', [
    { date: '2026-05-01', amount: '-1.250', category: 'TRAVEL' },
    { date: '2026-05-02', amount: '-0.005', category: 'BANK_FEES' },
    { date: '2026-05-03', amount: '10.000', category: 'INCOME' },
  ]);
  await seed('ACC-TIES', 'USD', [
    { date: '2026-06-01', amount: '-50.00', category: 'TRAVEL' },
    { date: '2026-06-02', amount: '-50.00', category: 'ENTERTAINMENT' },
    { date: '2026-06-03', amount: '-20.00', category: 'MEDICAL' },
    { date: '2026-06-04', amount: '-30.00', category: 'MEDICAL' },
    { date: '2026-06-05', amount: '-10.00', category: 'FOOD_AND_DRINK' },
  ]);
  await seed('ACC-TOP', 'USD', [
    { date: '2026-06-01', amount: '-900.00', category: 'RENT_AND_UTILITIES' },
    { date: '2026-06-02', amount: '-45.10', category: 'FOOD_AND_DRINK' },
    { date: '2026-06-03', amount: '-4.90', category: 'FOOD_AND_DRINK' },
    { date: '2026-06-04', amount: '-75.00', category: 'TRANSPORTATION' },
    { date: '2026-06-05', amount: '5.00', category: 'TRANSPORTATION' },
    { date: '2026-06-06', amount: '-60.00', category: 'GENERAL_MERCHANDISE' },
    { date: '2026-06-07', amount: '-5.00', category: 'BANK_FEES' },
    { date: '2026-06-08', amount: '2000.00', category: 'INCOME' },
  ]);
  await seed('ACC-UNCAT', 'USD', [
    { date: '2026-07-01', amount: '-500.00', category: 'UNCATEGORIZED' },
    { date: '2026-07-02', amount: '-400.00', category: null },
    { date: '2026-07-03', amount: '-12.00', category: 'FOOD_AND_DRINK' },
    { date: '2026-07-04', amount: '-8.00', category: 'TRAVEL' },
  ]);
  await seed('ACC-STATUS', 'USD', [
    { date: '2026-08-01', amount: '-1.00', status: 'pending' },
    { date: '2026-08-02', amount: '-1.00', status: 'processing' },
    { date: '2026-08-03', amount: '-1.00', status: 'processing' },
    { date: '2026-08-04', amount: '-1.00', status: 'completed', category: 'FOOD_AND_DRINK' },
    { date: '2026-08-05', amount: '-1.00', status: 'completed', category: 'FOOD_AND_DRINK' },
    { date: '2026-08-06', amount: '3.00', status: 'completed', category: 'INCOME' },
    { date: '2026-08-07', amount: '-1.00', status: 'failed' },
  ]);
  await seed('ACC-ZERO', 'USD', [
    { date: '2026-09-01', amount: '0.00', category: 'FOOD_AND_DRINK' },
    { date: '2026-09-02', amount: '0', category: 'FOOD_AND_DRINK' },
    { date: '2026-09-03', amount: '-5.00', category: 'TRAVEL' },
    { date: '2026-09-04', amount: '5.00', category: 'INCOME' },
  ]);
  await seed('ACC-YEAR1', 'USD', [
    { date: '0001-01-01', amount: '-1.00', status: 'completed', category: 'TRAVEL' },
    { date: '0001-01-15', amount: '-2.00', status: 'completed', category: 'TRAVEL' },
    { date: '0001-02-01', amount: '-4.00', status: 'completed', category: 'TRAVEL' },
  ]);
  // The same ids under another integration, which acme must never see.
  await seed('ACC-001', 'USD', [{ date: '2026-03-01', amount: '-99.99', category: 'TRAVEL' }], otherIngestKey);
  await seed('ACC-SHARED', 'USD', [{ date: '2026-03-01', amount: '-1000.00', category: 'TRAVEL' }], otherIngestKey);
  await seed('ACC-SHARED', 'USD', [{ date: '2026-03-01', amount: '-7.00', category: 'MEDICAL' }]);
});
afterAll(() => ctx.close());

const noStatuses = { pending: 0, processing: 0, completed: 0, failed: 0 };

describe('GET /api/reports/account/{account_id}/summary', () => {
  it('when money goes out and comes in, then spend is the magnitude of outflows, income the inflows and net their difference', async () => {
    const response = await summary('ACC-SIGNS');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      account_id: 'ACC-SIGNS',
      currency: 'USD',
      start_date: null,
      end_date: null,
      include_pending: true,
      total_transactions: 4,
      total_spend: '42.75',
      total_income: '100.75',
      net: '58.00',
      top_spend_categories: [],
      ingestion_status: { ...noStatuses, pending: 4 },
    });
  });

  it('when spend exceeds income, then net is negative', async () => {
    const json = (await summary('ACC-NEG')).json();
    expect(json).toMatchObject({ total_spend: '200.10', total_income: '50.05', net: '-150.05' });
  });

  it('when rows fall exactly on start_date and end_date, then both bounds are included and the dates are echoed', async () => {
    const json = (await summary('ACC-DATES', { start_date: '2026-02-01', end_date: '2026-02-28' })).json();
    expect(json).toMatchObject({
      start_date: '2026-02-01',
      end_date: '2026-02-28',
      total_transactions: 4,
      total_spend: '14.00',
      total_income: '32.00',
      net: '18.00',
    });
  });

  it('when start_date equals end_date, then that one day is summarized', async () => {
    const json = (await summary('ACC-DATES', { start_date: '2026-02-15', end_date: '2026-02-15' })).json();
    expect(json).toMatchObject({ total_transactions: 1, total_spend: '4.00', total_income: '0.00', net: '-4.00' });
  });

  it('when no dates are given, then every transaction counts and both dates read back null', async () => {
    const json = (await summary('ACC-DATES')).json();
    expect(json).toMatchObject({ start_date: null, end_date: null, total_transactions: 6, total_spend: '31.00', total_income: '32.00', net: '1.00' });
  });

  it('when only start_date is given, then the range is open at its end', async () => {
    const json = (await summary('ACC-DATES', { start_date: '2026-02-28' })).json();
    expect(json).toMatchObject({ start_date: '2026-02-28', end_date: null, total_transactions: 2, total_spend: '24.00', total_income: '0.00', net: '-24.00' });
  });

  it('when only end_date is given, then the range is open at its start', async () => {
    const json = (await summary('ACC-DATES', { end_date: '2026-02-01' })).json();
    expect(json).toMatchObject({ start_date: null, end_date: '2026-02-01', total_transactions: 2, total_spend: '3.00', total_income: '0.00', net: '-3.00' });
  });

  it('when the range ends mid-January of year 1, then the first days are summarized, monthly as well', async () => {
    const first = await summary('ACC-YEAR1', { end_date: '0001-01-01' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ total_transactions: 1, total_spend: '1.00' });
    expect((await summary('ACC-YEAR1', { end_date: '0001-01-15' })).json()).toMatchObject({ total_transactions: 2, total_spend: '3.00' });
    const monthly = await ctx.app.inject({ url: '/api/reports/account/ACC-YEAR1/monthly?end_date=0001-01-15', headers: bearer(reportsKey) });
    expect(monthly.statusCode).toBe(200);
    expect(monthly.json().months).toEqual([
      { month: '0001-01', total_spend: '3.00', total_income: '0.00', net: '-3.00', categories: [{ category: 'TRAVEL', total_spend: '3.00', transaction_count: 2 }] },
    ]);
  });

  it('when the range holds no transactions, then money is zero with two decimals, the top list is empty and every status is 0', async () => {
    const response = await summary('ACC-DATES', { start_date: '2025-01-01', end_date: '2025-12-31' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      account_id: 'ACC-DATES',
      currency: 'USD',
      start_date: '2025-01-01',
      end_date: '2025-12-31',
      include_pending: true,
      total_transactions: 0,
      total_spend: '0.00',
      total_income: '0.00',
      net: '0.00',
      top_spend_categories: [],
      ingestion_status: noStatuses,
    });
  });

  it('when the account is in JPY, then money has no decimals, zero included', async () => {
    expect((await summary('ACC-JPY')).json()).toMatchObject({
      currency: 'JPY',
      total_spend: '1750',
      total_income: '3000',
      net: '1250',
      top_spend_categories: [{ category: 'FOOD_AND_DRINK', total_spend: '1750', transaction_count: 2 }],
    });
    expect((await summary('ACC-JPY', { end_date: '2026-04-30' })).json()).toMatchObject({ total_spend: '0', total_income: '0', net: '0' });
  });

  it('when the account is in BHD, then money has three decimals, zero included', async () => {
    expect((await summary('ACC-BHD')).json()).toMatchObject({
      currency: 'BHD',
      total_spend: '1.255',
      total_income: '10.000',
      net: '8.745',
      top_spend_categories: [
        { category: 'TRAVEL', total_spend: '1.250', transaction_count: 1 },
        { category: 'BANK_FEES', total_spend: '0.005', transaction_count: 1 },
      ],
    });
    expect((await summary('ACC-BHD', { start_date: '2026-06-01' })).json()).toMatchObject({ total_spend: '0.000', total_income: '0.000', net: '0.000' });
  });

  it('when categories tie on spend, then they are ranked by name ascending', async () => {
    const json = (await summary('ACC-TIES')).json();
    expect(json.top_spend_categories).toEqual([
      { category: 'ENTERTAINMENT', total_spend: '50.00', transaction_count: 1 },
      { category: 'MEDICAL', total_spend: '50.00', transaction_count: 2 },
      { category: 'TRAVEL', total_spend: '50.00', transaction_count: 1 },
    ]);
  });

  it('when more than 3 categories have spend, then only the 3 largest are listed, by spend alone', async () => {
    const json = (await summary('ACC-TOP')).json();
    // The TRANSPORTATION refund neither lowers its spend nor counts as a spending transaction; INCOME is no spend.
    expect(json.top_spend_categories).toEqual([
      { category: 'RENT_AND_UTILITIES', total_spend: '900.00', transaction_count: 1 },
      { category: 'TRANSPORTATION', total_spend: '75.00', transaction_count: 1 },
      { category: 'GENERAL_MERCHANDISE', total_spend: '60.00', transaction_count: 1 },
    ]);
    expect(json).toMatchObject({ total_transactions: 8, total_spend: '1090.00', total_income: '2005.00', net: '915.00' });
  });

  it('when spend is UNCATEGORIZED or not yet categorized, then it is left out of the top list but counted in the totals', async () => {
    const json = (await summary('ACC-UNCAT')).json();
    expect(json.top_spend_categories).toEqual([
      { category: 'FOOD_AND_DRINK', total_spend: '12.00', transaction_count: 1 },
      { category: 'TRAVEL', total_spend: '8.00', transaction_count: 1 },
    ]);
    expect(json).toMatchObject({ total_transactions: 4, total_spend: '920.00', total_income: '0.00', net: '-920.00' });
  });

  it('when transactions are in every status, then each is counted, they add up to the total and all count in the money', async () => {
    const json = (await summary('ACC-STATUS')).json();
    expect(json.ingestion_status).toEqual({ pending: 1, processing: 2, completed: 3, failed: 1 });
    expect(json).toMatchObject({ total_transactions: 7, total_spend: '6.00', total_income: '3.00', net: '-3.00' });
    expect(json.top_spend_categories).toEqual([{ category: 'FOOD_AND_DRINK', total_spend: '2.00', transaction_count: 2 }]);
  });

  it('when a range ends mid-month and a row of the first day after its whole months is processing, then that row is counted once, as processing', async () => {
    await seed('ACC-EDGE-PROCESSING', 'USD', [
      { date: '2026-01-10', amount: '-1.00' },
      { date: '2026-02-01', amount: '-2.00', status: 'processing' },
      { date: '2026-02-20', amount: '-4.00', status: 'processing' },
    ]);
    const json = (await summary('ACC-EDGE-PROCESSING', { start_date: '2026-01-01', end_date: '2026-02-15' })).json();
    expect(json).toMatchObject({ total_transactions: 2, total_spend: '3.00' });
    expect(json.ingestion_status).toEqual({ pending: 1, processing: 1, completed: 0, failed: 0 });
  });

  it('when amounts are zero, then they count as transactions but neither as spend nor income', async () => {
    const json = (await summary('ACC-ZERO')).json();
    expect(json).toMatchObject({ total_transactions: 4, total_spend: '5.00', total_income: '5.00', net: '0.00' });
    expect(json.top_spend_categories).toEqual([{ category: 'TRAVEL', total_spend: '5.00', transaction_count: 1 }]);
  });

  it("when the account id exists only under another integration, then it answers 404 like an unknown one", async () => {
    const response = await summary('ACC-001');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, code: 'not_found' });
    expect(JSON.stringify(response.json())).not.toContain('99.99');
  });

  it("when both integrations own the same account id, then each sees only its own transactions", async () => {
    const json = (await summary('ACC-SHARED')).json();
    expect(json).toMatchObject({ total_transactions: 1, total_spend: '7.00', top_spend_categories: [{ category: 'MEDICAL', total_spend: '7.00', transaction_count: 1 }] });
  });

  it('when the account is unknown, then it answers 404 not_found', async () => {
    const response = await summary('ACC-NOPE');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each([
    ['start_date', '2026-02-30'],
    ['end_date', '2026-13-01'],
    ['start_date', 'yesterday'],
    ['end_date', '0000-01-01'],
  ])('when %s is %s, then it answers 400 invalid_parameter naming the field', async (field, value) => {
    const response = await summary('ACC-DATES', { [field]: value });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, code: 'invalid_parameter', errors: [{ pointer: `/${field}` }] });
  });

  it('when start_date is after end_date, then it answers 400 invalid_parameter', async () => {
    const response = await summary('ACC-DATES', { start_date: '2026-03-01', end_date: '2026-02-01' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/start_date' }] });
  });

  it('when the account id has characters outside the allowed set, then it answers 400 invalid_parameter', async () => {
    const response = await summary(encodeURIComponent('ACC 001!'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/account_id' }] });
  });

  it('when the key lacks the reports scope, then it answers 403 forbidden before looking anything up', async () => {
    for (const account of ['ACC-SIGNS', 'ACC-NOPE']) {
      const response = await summary(account, {}, bearer(ingestKey));
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('when no key is sent, then it answers 401 with WWW-Authenticate: Bearer', async () => {
    const response = await summary('ACC-SIGNS', {}, {});
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'unauthorized' });
  });
});
