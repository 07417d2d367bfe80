import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest', 'reports']);
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: {
      account: { account_id: 'ACC-READ', currency: 'USD' },
      transactions: [
        { transaction_id: 'B', date: '2026-10-02', amount: '-1.00', description: 'ONE' },
        { transaction_id: 'A', date: '2026-10-02', amount: '-2.00', description: 'TWO' },
        { transaction_id: 'C', date: '2026-10-05', amount: '300.00', description: 'PAYROLL' },
        { transaction_id: 'D', date: '2026-09-30', amount: '-4.00', description: 'FOUR' },
        { transaction_id: 'E', date: '2026-10-01', amount: '-5.00', description: 'FIVE' },
      ],
    },
  });
  expect(response.statusCode).toBe(202);
  await ctx.sql.query(`UPDATE transactions SET status = 'completed', category = 'INCOME' WHERE transaction_id = 'C'`);
  await ctx.sql.query(`UPDATE transactions SET status = 'completed', category = 'FOOD_AND_DRINK' WHERE transaction_id IN ('A', 'D')`);
  await ctx.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions/remove',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: { account_id: 'ACC-READ', transaction_ids: ['E'] },
  });
});
afterAll(() => ctx.close());

const list = (query = '', apiKey = key) => ctx.app.inject({ url: `/api/accounts/ACC-READ/transactions${query}`, headers: bearer(apiKey) });
const ids = async (query: string) => (await list(query)).json().transactions.map((t: { transaction_id: string }) => t.transaction_id);

describe('GET /api/accounts/{account_id}/transactions (§11)', () => {
  it('when listed, then newest date comes first, the same date by transaction id, and removed ones are left out', async () => {
    expect(await ids('')).toEqual(['C', 'A', 'B', 'D']);
  });

  it('when include_removed=true, then removed transactions are listed with removed_at', async () => {
    const page = (await list('?include_removed=true')).json();
    expect(page.transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['C', 'A', 'B', 'E', 'D']);
    expect(page.transactions[3]).toMatchObject({ transaction_id: 'E', removed_at: expect.any(String), batch_id: expect.any(String) });
  });

  it('when filtered by dates, category or status, then only matching transactions come back', async () => {
    expect(await ids('?start_date=2026-10-01&end_date=2026-10-02')).toEqual(['A', 'B']);
    expect(await ids('?category=FOOD_AND_DRINK')).toEqual(['A', 'D']);
    expect(await ids('?status=pending')).toEqual(['B']);
  });

  it('when searched with q, then only transactions whose merchant, description or id contain it in any case come back, across pages', async () => {
    expect(await ids('?q=payroll')).toEqual(['C']);
    expect(await ids('?q=O')).toEqual(['C', 'A', 'B', 'D']);
    expect(await ids('?q=%20tw%20')).toEqual(['A']);
    expect(await ids('?q=o&category=FOOD_AND_DRINK')).toEqual(['A', 'D']);
    const first = (await list('?q=o&limit=1')).json();
    expect(first.transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['C']);
    expect(await ids(`?q=o&limit=3&cursor=${encodeURIComponent(first.next_cursor)}`)).toEqual(['A', 'B', 'D']);
    // LIKE's wildcards are searched for as themselves.
    expect(await ids('?q=%25')).toEqual([]);
    expect(await ids('?q=_')).toEqual([]);
    for (const q of ['', '%20%20', 'x'.repeat(201)]) {
      const response = await list(`?q=${q}`);
      expect(response.statusCode, q).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/q' }] });
    }
  });

  it('when paged two at a time, then every transaction comes once in order and the last page has a null cursor', async () => {
    const first = (await list('?limit=2')).json();
    expect(first.transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['C', 'A']);
    const second = (await list(`?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`)).json();
    expect(second.transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['B', 'D']);
    expect(second.next_cursor).toBeNull();
  });

  it('when a parameter is malformed, then 400 invalid_parameter names it', async () => {
    for (const [query, pointer] of [
      ['?start_date=2026-02-30', '/start_date'],
      ['?category=COFFEE', '/category'],
      ['?status=done', '/status'],
      ['?include_removed=1', '/include_removed'],
      ['?limit=0', '/limit'],
      ['?cursor=abc', '/cursor'],
      // Cursors made by hand in our own format, with a date or an id no page could end on.
      [`?cursor=${handMadeCursor(['2026-13-45', 'P1'])}`, '/cursor'],
      [`?cursor=${handMadeCursor(['0000-01-01', 'P1'])}`, '/cursor'],
      [`?cursor=${handMadeCursor(['2026-11-01', 'P\u0000'])}`, '/cursor'],
    ] as const) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer }] });
    }
    // A cursor of a release before migration 030 paged in the database's collation: read in code-point
    // order it would skip or repeat rows, so the client is told to start again.
    expect((await list(`?cursor=${handMadeCursor(['2026-11-01', 'P1'], 'account-transactions')}`)).json()).toMatchObject({
      code: 'invalid_parameter',
      errors: [{ pointer: '/cursor', message: 'was handed out before an upgrade changed the order of same-date transactions; list again from the first page' }],
    });
    // Every list names the values a status filter takes in the same words.
    expect((await list('?status=done')).json()).toMatchObject({
      detail: 'status must be one of pending, processing, completed, failed.',
      errors: [{ pointer: '/status', message: 'must be one of pending, processing, completed, failed' }],
    });
  });

  it('when another integration asks, then the account is not found; a key without reports is refused', async () => {
    expect((await list('', await ctx.key(['ingest', 'reports'], 'stranger'))).statusCode).toBe(404);
    expect((await list('', await ctx.key(['ingest']))).statusCode).toBe(403);
  });
});

describe('GET /api/accounts/{account_id}/transactions/{transaction_id} (§11)', () => {
  it('when read with an ingest or a reports key, then it is the transaction object itself with its batch', async () => {
    for (const scopes of [['ingest'], ['reports']] as const) {
      const response = await ctx.app.inject({ url: '/api/accounts/ACC-READ/transactions/C', headers: bearer(await ctx.key([...scopes])) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        transaction_id: 'C',
        date: '2026-10-05',
        amount: '300.00',
        category: 'INCOME',
        status: 'completed',
        pending: false,
        category_locked: false,
        removed_at: null,
        batch_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    }
  });

  it('when its id has the longest length ingestion takes (128), then it is read and corrected; one longer is 400 naming it', async () => {
    const longId = `L:${'x'.repeat(126)}`;
    const ingested = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { account: { account_id: 'ACC-LONG', currency: 'USD' }, transactions: [{ transaction_id: longId, date: '2026-10-03', amount: '-9.00' }] },
    });
    expect(ingested.statusCode).toBe(202);
    const url = `/api/accounts/ACC-LONG/transactions/${longId}`;
    expect((await ctx.app.inject({ url, headers: bearer(key) })).json()).toMatchObject({ transaction_id: longId, amount: '-9.00' });
    const corrected = await ctx.app.inject({ method: 'PATCH', url, headers: { ...bearer(key), 'content-type': 'application/json' }, payload: { category: 'TRAVEL' } });
    expect(corrected.json()).toMatchObject({ transaction_id: longId, category: 'TRAVEL', category_source: 'user' });
    const tooLong = await ctx.app.inject({ url: `${url}y`, headers: bearer(key) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/transaction_id' }] });
  });

  it('when the transaction or account is unknown, then 404 not_found', async () => {
    expect((await ctx.app.inject({ url: '/api/accounts/ACC-READ/transactions/NOPE', headers: bearer(key) })).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await ctx.app.inject({ url: '/api/accounts/NOPE/transactions/C', headers: bearer(key) })).statusCode).toBe(404);
  });
});

function handMadeCursor(position: [string, string], tag = 'account-transactions/code-point'): string {
  return Buffer.from(JSON.stringify([tag, position])).toString('base64url');
}
