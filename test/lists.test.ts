import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let ingestKey: string;
let reportsKey: string;
let adminKey: string;
let otherKey: string;

/** Ingests transactions (ids T1, T2, …) for an account and returns the batch id; categories are then set as a worker would. */
async function seed(
  accountId: string,
  currency: string,
  transactions: Array<{ date: string; amount: string; category?: string; status?: string }>,
  options: { key?: string; prefix?: string; name?: string } = {},
): Promise<string> {
  const prefix = options.prefix ?? 'T';
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions/',
    headers: { ...bearer(options.key ?? ingestKey), 'content-type': 'application/json' },
    payload: {
      account: { account_id: accountId, currency, name: options.name ?? null, institution: options.name ? 'Example Bank' : null },
      transactions: transactions.map((t, i) => ({ transaction_id: `${prefix}${i + 1}`, date: t.date, amount: t.amount, merchant_name: 'Shop' })),
    },
  });
  expect(response.statusCode).toBe(202);
  const batchId: string = response.json().batch_id;
  for (const [i, t] of transactions.entries()) {
    await ctx.sql.query(
      `UPDATE transactions SET category = $3, status = $4, completed_at = CASE WHEN $4 IN ('completed', 'failed') THEN now() END
        WHERE batch_id = $1 AND transaction_id = $2`,
      [batchId, `${prefix}${i + 1}`, t.category ?? null, t.status ?? 'pending'],
    );
  }
  return batchId;
}

const get = (url: string, key = reportsKey) => ctx.app.inject({ method: 'GET', url, headers: bearer(key) });

beforeAll(async () => {
  ctx = await createTestContext();
  ingestKey = await ctx.key(['ingest']);
  reportsKey = await ctx.key(['reports']);
  adminKey = await ctx.key(['admin']);
  otherKey = await ctx.key(['ingest', 'reports'], 'globex');
});
afterAll(() => ctx.close());

describe('GET /api/accounts (§15)', () => {
  it('when the integration has accounts, then each is listed oldest first with its details and transaction count, and no other integration\'s', async () => {
    await seed('L-CHECKING', 'USD', [
      { date: '2026-03-01', amount: '-1.00' },
      { date: '2026-03-02', amount: '2.00' },
    ], { name: 'Everyday Checking' });
    await seed('L-SAVINGS', 'EUR', [{ date: '2026-03-01', amount: '5.00' }]);
    await seed('L-CHECKING', 'USD', [{ date: '2026-04-01', amount: '-3.00' }], { prefix: 'U' });
    await seed('L-OTHER', 'USD', [{ date: '2026-03-01', amount: '-9.00' }], { key: otherKey });

    const response = await get('/api/accounts');
    expect(response.statusCode).toBe(200);
    const json = response.json();
    expect(json.next_cursor).toBeNull();
    expect(json.accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['L-CHECKING', 'L-SAVINGS']);
    expect(json.accounts[0]).toEqual({
      account_id: 'L-CHECKING',
      currency: 'USD',
      name: 'Everyday Checking',
      institution: 'Example Bank',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      transaction_count: 3,
    });
    expect(json.accounts[1]).toMatchObject({ account_id: 'L-SAVINGS', currency: 'EUR', name: null, institution: null, transaction_count: 1 });
  });

  it('when paged one at a time, then next_cursor walks every account once and is null on the last page', async () => {
    const first = (await get('/api/accounts?limit=1')).json();
    expect(first.accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['L-CHECKING']);
    const second = (await get(`/api/accounts?limit=1&cursor=${first.next_cursor}`)).json();
    expect(second.accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['L-SAVINGS']);
    expect(second.next_cursor).toBeNull();
  });

  it('when a cursor is read, then it holds the account\'s own id, nothing shared with other integrations; one naming another integration\'s account is refused', async () => {
    const first = (await get('/api/accounts?limit=1')).json();
    expect(JSON.parse(Buffer.from(first.next_cursor, 'base64url').toString('utf8'))).toEqual(['accounts', 'L-CHECKING']);
    const theirs = Buffer.from(JSON.stringify(['accounts', 'L-OTHER'])).toString('base64url');
    expect((await get(`/api/accounts?cursor=${theirs}`)).json()).toMatchObject({ status: 400, code: 'invalid_parameter', errors: [{ pointer: '/cursor' }] });
    // A cursor of the earlier form (the internal id), handed out before an upgrade, still pages on.
    const { rows } = await ctx.sql.query(`SELECT id::int AS id FROM accounts WHERE external_id = 'L-CHECKING'`);
    const legacy = Buffer.from(JSON.stringify(['accounts', rows[0].id])).toString('base64url');
    expect((await get(`/api/accounts?limit=1&cursor=${legacy}`)).json().accounts.map((a: { account_id: string }) => a.account_id)).toEqual(['L-SAVINGS']);
  });

  it('when limit or cursor is malformed, then 400 invalid_parameter naming it', async () => {
    for (const [query, pointer] of [['limit=0', '/limit'], ['limit=1001', '/limit'], ['limit=ten', '/limit'], ['cursor=nonsense', '/cursor']]) {
      const response = await get(`/api/accounts?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer }] });
    }
  });

  it('when the key lacks the reports scope, then 403 forbidden', async () => {
    expect((await get('/api/accounts', ingestKey)).json()).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('GET /api/batches (§15)', () => {
  let older: string;
  let newer: string;
  let newest: string;

  beforeAll(async () => {
    older = await seed('B-LIST', 'USD', [
      { date: '2026-05-01', amount: '-1.00', status: 'completed', category: 'TRAVEL' },
      { date: '2026-05-02', amount: '-1.00', status: 'completed', category: 'TRAVEL' },
    ], { prefix: 'BA' });
    newer = await seed('B-LIST', 'USD', [
      { date: '2026-05-03', amount: '-1.00', status: 'completed' },
      { date: '2026-05-04', amount: '-1.00', status: 'processing' },
      { date: '2026-05-05', amount: '-1.00', status: 'pending' },
    ], { prefix: 'BB' });
    newest = await seed('B-LIST', 'USD', [{ date: '2026-05-06', amount: '-1.00', status: 'failed' }], { prefix: 'BC' });
  });

  it('when listed, then the batches come newest first, each exactly as GET /api/batches/{id} shows it', async () => {
    const response = await get('/api/batches', ingestKey);
    expect(response.statusCode).toBe(200);
    const json = response.json();
    const ids = json.batches.map((b: { batch_id: string }) => b.batch_id);
    expect(ids.slice(0, 3)).toEqual([newest, newer, older]);
    for (const batch of json.batches.slice(0, 3)) {
      expect(batch).toEqual((await get(`/api/batches/${batch.batch_id}`, ingestKey)).json());
    }
    expect(json.batches[1]).toMatchObject({
      account_id: 'B-LIST',
      status: 'processing',
      completed_at: null,
      counts: { total: 3, pending: 1, processing: 1, completed: 1, failed: 0 },
    });
    expect(json.batches[0]).toMatchObject({ status: 'completed_with_errors', counts: { total: 1, failed: 1 } });
  });

  it('when filtered by status, then only batches with that status are listed', async () => {
    const completed = (await get('/api/batches?status=completed')).json();
    expect(completed.batches.map((b: { batch_id: string }) => b.batch_id)).toContain(older);
    expect(completed.batches.every((b: { status: string }) => b.status === 'completed')).toBe(true);
    const processing = (await get('/api/batches?status=processing')).json();
    expect(processing.batches.map((b: { batch_id: string }) => b.batch_id)).toEqual([newer]);
    const errors = (await get('/api/batches?status=completed_with_errors')).json();
    expect(errors.batches.map((b: { batch_id: string }) => b.batch_id)).toEqual([newest]);
  });

  it('when paged two at a time, then every batch appears once, newest first, and the last page has next_cursor null', async () => {
    const all = (await get('/api/batches?limit=1000')).json().batches.map((b: { batch_id: string }) => b.batch_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { batches: Array<{ batch_id: string }>; next_cursor: string | null } = (
        await get(`/api/batches?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.batches.map((b) => b.batch_id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when another integration lists its batches, then ours are not among them', async () => {
    const theirs = (await get('/api/batches', otherKey)).json().batches.map((b: { batch_id: string }) => b.batch_id);
    expect(theirs).not.toContain(older);
    expect(theirs).not.toContain(newest);
  });

  it('when the status is unknown or the cursor malformed, then 400 invalid_parameter naming it', async () => {
    const status = await get('/api/batches?status=done');
    expect(status.statusCode).toBe(400);
    expect(status.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/status' }] });
    const cursor = await get('/api/batches?cursor=YTox');
    expect(cursor.json()).toMatchObject({ status: 400, code: 'invalid_parameter', errors: [{ pointer: '/cursor' }] });
    // Our own format made by hand, with a time past what the database can hold.
    const farFuture = Buffer.from(JSON.stringify(['batches', { createdAtMicros: '9999999999999999999', id: '0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d' }])).toString('base64url');
    expect((await get(`/api/batches?cursor=${farFuture}`)).json()).toMatchObject({ status: 400, code: 'invalid_parameter', errors: [{ pointer: '/cursor' }] });
  });

  it('when the key has neither ingest nor reports, then 403 forbidden', async () => {
    expect((await get('/api/batches', adminKey)).json()).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('when limit or status breaks the rule openapi.json states for it, then the answer is still the service\'s own invalid_parameter, worded as before', async () => {
    const limit = await get('/api/batches?limit=1001&status=done');
    expect(limit.statusCode).toBe(400);
    expect(limit.json()).toEqual({
      type: 'urn:lucro:problem:invalid_parameter',
      title: 'Invalid parameter',
      status: 400,
      detail: 'limit must be a whole number from 1 to 1000.',
      code: 'invalid_parameter',
      errors: [{ pointer: '/limit', message: 'must be a whole number from 1 to 1000' }],
    });
    expect((await get('/api/batches?status=done&limit=1000')).json()).toEqual({
      type: 'urn:lucro:problem:invalid_parameter',
      title: 'Invalid parameter',
      status: 400,
      detail: 'status must be one of pending, processing, completed, completed_with_errors.',
      code: 'invalid_parameter',
      errors: [{ pointer: '/status', message: 'must be one of pending, processing, completed, completed_with_errors' }],
    });
    expect((await get('/api/accounts/L-NONE/transactions?category=COFFEE&limit=0')).json()).toEqual({
      type: 'urn:lucro:problem:invalid_parameter',
      title: 'Invalid parameter',
      status: 400,
      detail: 'category "COFFEE" is not one of GET /api/categories.',
      code: 'invalid_parameter',
      errors: [{ pointer: '/category', message: 'must be a category of GET /api/categories' }],
    });
    // The rule is checked where it always was: an unknown account with a good limit is 404, a bad limit 400.
    expect((await get('/api/accounts/L-NONE/transactions?limit=1000')).statusCode).toBe(404);
    expect((await get('/api/accounts/L-NONE/transactions?limit=abc')).statusCode).toBe(400);
  });
});

describe('GET /api/reports/account/{account_id}/monthly (§15)', () => {
  beforeAll(async () => {
    await seed('M-USD', 'USD', [
      { date: '2026-01-05', amount: '-100.00', category: 'RENT_AND_UTILITIES' },
      { date: '2026-01-20', amount: '-12.34', category: 'FOOD_AND_DRINK' },
      { date: '2026-01-21', amount: '-7.66', category: 'FOOD_AND_DRINK' },
      { date: '2026-01-25', amount: '-500.00', category: 'UNCATEGORIZED' },
      { date: '2026-01-26', amount: '-40.00' },
      { date: '2026-01-31', amount: '2500.00', category: 'INCOME' },
      // February: nothing. March: a tie broken by name, and a refund that is income.
      { date: '2026-03-01', amount: '-30.00', category: 'TRAVEL' },
      { date: '2026-03-15', amount: '-30.00', category: 'ENTERTAINMENT' },
      { date: '2026-03-31', amount: '5.50', category: 'TRAVEL' },
      { date: '2026-04-10', amount: '-0.01', category: 'BANK_FEES' },
    ]);
    await seed('M-JPY', 'JPY', [
      { date: '2026-05-01', amount: '-1500', category: 'FOOD_AND_DRINK' },
      { date: '2026-05-02', amount: '3000', category: 'INCOME' },
    ]);
    await seed('M-USD', 'USD', [{ date: '2026-01-10', amount: '-999.00', category: 'TRAVEL' }], { key: otherKey });
  });

  const monthly = (account: string, query = '') => get(`/api/reports/account/${account}/monthly${query}`);

  it('when an account has months with transactions, then each is listed ascending with its totals and every categorized spend category', async () => {
    const response = await monthly('M-USD');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      account_id: 'M-USD',
      currency: 'USD',
      start_date: null,
      end_date: null,
      include_pending: true,
      months: [
        {
          month: '2026-01',
          total_spend: '660.00',
          total_income: '2500.00',
          net: '1840.00',
          categories: [
            { category: 'RENT_AND_UTILITIES', total_spend: '100.00', transaction_count: 1 },
            { category: 'FOOD_AND_DRINK', total_spend: '20.00', transaction_count: 2 },
          ],
        },
        {
          month: '2026-03',
          total_spend: '60.00',
          total_income: '5.50',
          net: '-54.50',
          categories: [
            { category: 'ENTERTAINMENT', total_spend: '30.00', transaction_count: 1 },
            { category: 'TRAVEL', total_spend: '30.00', transaction_count: 1 },
          ],
        },
        { month: '2026-04', total_spend: '0.01', total_income: '0.00', net: '-0.01', categories: [{ category: 'BANK_FEES', total_spend: '0.01', transaction_count: 1 }] },
      ],
    });
  });

  it('when the range starts and ends mid-month, then only the days inside it count', async () => {
    const json = (await monthly('M-USD', '?start_date=2026-01-21&end_date=2026-03-15&include_pending=false')).json();
    expect(json).toMatchObject({ start_date: '2026-01-21', end_date: '2026-03-15', include_pending: false });
    expect(json.months).toEqual([
      {
        month: '2026-01',
        total_spend: '547.66',
        total_income: '2500.00',
        net: '1952.34',
        categories: [{ category: 'FOOD_AND_DRINK', total_spend: '7.66', transaction_count: 1 }],
      },
      {
        month: '2026-03',
        total_spend: '60.00',
        total_income: '0.00',
        net: '-60.00',
        categories: [
          { category: 'ENTERTAINMENT', total_spend: '30.00', transaction_count: 1 },
          { category: 'TRAVEL', total_spend: '30.00', transaction_count: 1 },
        ],
      },
    ]);
  });

  it('when the range holds no transaction, then months is empty', async () => {
    expect((await monthly('M-USD', '?start_date=2026-02-01&end_date=2026-02-28')).json()).toMatchObject({ months: [] });
  });

  it('when the currency has no minor unit, then money has no decimals', async () => {
    expect((await monthly('M-JPY')).json()).toMatchObject({
      currency: 'JPY',
      months: [{ month: '2026-05', total_spend: '1500', total_income: '3000', net: '1500', categories: [{ category: 'FOOD_AND_DRINK', total_spend: '1500', transaction_count: 1 }] }],
    });
  });

  it('when a date, the range or include_pending is bad, then 400 invalid_parameter naming the field', async () => {
    for (const [query, pointer] of [
      ['?start_date=2026-02-30', '/start_date'],
      ['?end_date=yesterday', '/end_date'],
      ['?start_date=2026-03-01&end_date=2026-02-01', '/start_date'],
      ['?include_pending=yes', '/include_pending'],
    ]) {
      const response = await monthly('M-USD', query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [expect.objectContaining({ pointer })] });
    }
  });

  it("when the account is unknown or another integration's, then 404 not_found", async () => {
    expect((await monthly('M-NONE')).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await get('/api/reports/account/M-JPY/monthly', otherKey)).json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('when the key lacks the reports scope, then 403 forbidden', async () => {
    expect((await get('/api/reports/account/M-USD/monthly', ingestKey)).json()).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('when transactions are bank-pending or removed (§10), then include_pending=false leaves out the pending ones and removed ones count nowhere', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/',
      headers: { ...bearer(ingestKey), 'content-type': 'application/json' },
      payload: {
        account: { account_id: 'M-LIFE', currency: 'USD' },
        transactions: [
          { transaction_id: 'P1', date: '2026-06-03', amount: '-40.00', pending: true },
          { transaction_id: 'X1', date: '2026-06-04', amount: '-7.00' },
          { transaction_id: 'X2', date: '2026-06-05', amount: '-1000.00' },
          { transaction_id: 'X3', date: '2026-07-01', amount: '-3.00' },
        ],
      },
    });
    expect(response.statusCode).toBe(202);
    const removed = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(ingestKey), 'content-type': 'application/json' },
      payload: { account_id: 'M-LIFE', transaction_ids: ['X2', 'X3'] },
    });
    expect(removed.statusCode).toBe(200);

    const withPending = (await monthly('M-LIFE')).json();
    expect(withPending.months).toEqual([{ month: '2026-06', total_spend: '47.00', total_income: '0.00', net: '-47.00', categories: [] }]);
    const posted = (await monthly('M-LIFE', '?include_pending=false')).json();
    expect(posted).toMatchObject({ include_pending: false, months: [{ month: '2026-06', total_spend: '7.00', total_income: '0.00', net: '-7.00' }] });

    const accounts = (await get('/api/accounts?limit=1000')).json().accounts;
    expect(accounts.find((a: { account_id: string }) => a.account_id === 'M-LIFE')).toMatchObject({ transaction_count: 2 });
    const batch = (await get('/api/batches?limit=1', ingestKey)).json().batches[0];
    expect(batch).toMatchObject({ batch_id: response.json().batch_id, counts: { total: 2 } });
  });
});
