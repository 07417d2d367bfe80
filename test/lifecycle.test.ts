import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, postTransactions, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest', 'reports']);
});
afterAll(() => ctx.close());

type Tx = Record<string, unknown>;

const post = (accountId: string, transactions: Tx[]) => postTransactions(ctx, key, accountId, transactions);

async function accepted(accountId: string, transactions: Tx[]) {
  const response = await post(accountId, transactions);
  expect(response.statusCode, response.body).toBe(202);
  return response.json();
}

const remove = (accountId: string, ids: string[], url = '/api/integrations/transactions/remove') =>
  ctx.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: { account_id: accountId, transaction_ids: ids },
  });

const transaction = async (accountId: string, id: string) => (await ctx.app.inject({ url: `/api/accounts/${accountId}/transactions/${id}`, headers: bearer(key) })).json();

const summary = async (accountId: string, query = '') =>
  (await ctx.app.inject({ url: `/api/reports/account/${accountId}/summary${query}`, headers: bearer(key) })).json();

const batch = async (batchId: string) => (await ctx.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json();

/** Finishes enrichment of the account's unfinished rows as a worker would, without the queue. */
async function completeAll(accountId: string, category = 'FOOD_AND_DRINK'): Promise<void> {
  await ctx.sql.query(
    `UPDATE transactions t SET status = 'completed', category = $2, category_source = 'rules:test', category_confidence = 0.9, completed_at = now()
       FROM accounts a WHERE a.id = t.account_id AND a.external_id = $1 AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL`,
    [accountId, category],
  );
}

const cafe = { date: '2026-11-02', amount: '-12.50', merchant_name: 'Blue Bottle', description: 'BLUE BOTTLE COFFEE 0042' };

describe('pending transactions that post (§10)', () => {
  it('when a pending transaction posts under a new id naming it, then the pending one is removed and replaced_by names the posted one', async () => {
    await accepted('L-NEWID', [{ transaction_id: 'P-1', pending: true, ...cafe }]);
    const posted = await accepted('L-NEWID', [{ transaction_id: 'T-1', pending_transaction_id: 'P-1', ...cafe, amount: '-15.00' }]);
    expect(posted).toMatchObject({ received: 1, accepted: 1, duplicates: 0, modified: 0 });

    const pending = await transaction('L-NEWID', 'P-1');
    expect(pending).toMatchObject({ transaction_id: 'P-1', pending: true, replaced_by: 'T-1' });
    expect(pending.removed_at).not.toBeNull();
    expect(await transaction('L-NEWID', 'T-1')).toMatchObject({ pending: false, pending_transaction_id: 'P-1', removed_at: null, amount: '-15.00' });
    // Only the posted amount counts: the pending one is removed.
    expect(await summary('L-NEWID')).toMatchObject({ total_transactions: 1, total_spend: '15.00' });
  });

  it('when a pending transaction posts under the same id, then it is modified, not refused, and moves to the new batch', async () => {
    const first = await accepted('L-SAMEID', [{ transaction_id: 'S-1', pending: true, ...cafe }]);
    await completeAll('L-SAMEID');
    const second = await accepted('L-SAMEID', [{ transaction_id: 'S-1', pending: false, ...cafe, amount: '-14.00' }]);
    expect(second).toMatchObject({ received: 1, accepted: 0, duplicates: 0, modified: 1 });

    const row = await transaction('L-SAMEID', 'S-1');
    // The text did not change, so the category stands and nothing is enriched again.
    expect(row).toMatchObject({ pending: false, amount: '-14.00', batch_id: second.batch_id, status: 'completed', category: 'FOOD_AND_DRINK' });
    expect((await batch(first.batch_id)).counts.total).toBe(0);
    expect(await batch(second.batch_id)).toMatchObject({ status: 'completed', counts: { total: 1, completed: 1 } });
  });

  it('when the posted transaction arrives before its pending one, then the pending one is stored removed at once', async () => {
    await accepted('L-LATE', [{ transaction_id: 'T-9', pending_transaction_id: 'P-9', ...cafe }]);
    const late = await accepted('L-LATE', [{ transaction_id: 'P-9', pending: true, ...cafe }]);
    expect(late).toMatchObject({ accepted: 1, status: 'completed' });
    expect(await transaction('L-LATE', 'P-9')).toMatchObject({ replaced_by: 'T-9', removed_at: expect.any(String) });
    expect(await summary('L-LATE')).toMatchObject({ total_transactions: 1, total_spend: '12.50' });
  });

  it('when two posted transactions name one pending one that arrives late, and the first was removed, then replaced_by names the one still standing', async () => {
    await accepted('L-TWO', [{ transaction_id: 'T-1', pending_transaction_id: 'P-1', ...cafe }]);
    expect((await remove('L-TWO', ['T-1'])).json()).toMatchObject({ removed: 1 });
    await accepted('L-TWO', [{ transaction_id: 'T-2', pending_transaction_id: 'P-1', ...cafe, amount: '-14.00' }]);
    await accepted('L-TWO', [{ transaction_id: 'P-1', pending: true, ...cafe }]);
    expect(await transaction('L-TWO', 'P-1')).toMatchObject({ replaced_by: 'T-2', removed_at: expect.any(String) });
    expect(await summary('L-TWO')).toMatchObject({ total_transactions: 1, total_spend: '14.00' });
  });

  it('when the posted transaction was removed before its pending one arrives, then the pending one is still stored removed, as in the other order', async () => {
    await accepted('L-GONE', [{ transaction_id: 'T-8', pending_transaction_id: 'P-8', ...cafe }]);
    expect((await remove('L-GONE', ['T-8'])).json()).toMatchObject({ removed: 1 });
    await accepted('L-GONE', [{ transaction_id: 'P-8', pending: true, ...cafe }]);
    expect(await transaction('L-GONE', 'P-8')).toMatchObject({ replaced_by: 'T-8', removed_at: expect.any(String) });
    expect(await summary('L-GONE')).toMatchObject({ total_transactions: 0, total_spend: '0.00' });
    // The other order ends the same way: the pending one was replaced, whatever became of its posted one.
    await accepted('L-GONE', [{ transaction_id: 'P-7', pending: true, ...cafe }]);
    await accepted('L-GONE', [{ transaction_id: 'T-7', pending_transaction_id: 'P-7', ...cafe }]);
    await remove('L-GONE', ['T-7']);
    expect(await transaction('L-GONE', 'P-7')).toMatchObject({ replaced_by: 'T-7', removed_at: expect.any(String) });
    expect(await summary('L-GONE')).toMatchObject({ total_transactions: 0 });
  });

  it('when a pending transaction with a locked category posts, then the posted one carries the locked category', async () => {
    await accepted('L-LOCK', [{ transaction_id: 'P-2', pending: true, ...cafe }]);
    const corrected = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/accounts/L-LOCK/transactions/P-2',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { category: 'TRAVEL' },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    await accepted('L-LOCK', [{ transaction_id: 'T-2', pending_transaction_id: 'P-2', ...cafe }]);
    expect(await transaction('L-LOCK', 'T-2')).toMatchObject({ category: 'TRAVEL', category_source: 'user', category_locked: true, status: 'completed' });
  });

  it('when a stored posted transaction is sent again unchanged but naming a pending one, then it is a duplicate and changes nothing', async () => {
    await accepted('L-DUP', [{ transaction_id: 'T-9', ...cafe }, { transaction_id: 'P-9', pending: true, ...cafe, amount: '-99.00' }]);
    await completeAll('L-DUP', 'TRANSPORTATION');
    const corrected = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/accounts/L-DUP/transactions/P-9',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { category: 'MEDICAL' },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const before = await summary('L-DUP');
    expect(await accepted('L-DUP', [{ transaction_id: 'T-9', pending_transaction_id: 'P-9', ...cafe }])).toMatchObject({ accepted: 0, duplicates: 1, modified: 0 });
    expect(await transaction('L-DUP', 'P-9')).toMatchObject({ removed_at: null, replaced_by: null, category: 'MEDICAL', category_locked: true });
    expect(await transaction('L-DUP', 'T-9')).toMatchObject({ category: 'TRANSPORTATION', category_locked: false, pending_transaction_id: null });
    expect(await summary('L-DUP')).toEqual(before);
  });

  it('when pending_transaction_id is sent on a pending transaction, then 400 names the field', async () => {
    const response = await post('L-BAD', [{ transaction_id: 'P-3', pending: true, pending_transaction_id: 'P-0', ...cafe }]);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ pointer: '/transactions/0/pending_transaction_id', message: expect.any(String) }]);
    expect((await ctx.sql.query(`SELECT 1 FROM accounts WHERE external_id = 'L-BAD'`)).rowCount).toBe(0);
  });

  it('when the account currency and an amount are wrong too, then the 400 still names pending_transaction_id beside them', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: {
        account: { account_id: 'L-ALL', currency: 'usd' },
        transactions: [
          { transaction_id: 'P-1', date: '2026-11-02', amount: '-1.00', pending: true, pending_transaction_id: 'P-0' },
          { transaction_id: 'P-2', date: '2026-11-02', amount: '-1.00001', pending: true, pending_transaction_id: 'P-0' },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/account/currency',
      '/transactions/0/pending_transaction_id',
      '/transactions/1/amount',
      '/transactions/1/pending_transaction_id',
    ]);
  });

  it('when a posted transaction names itself as the pending one it replaces, then 400 names the field and nothing is stored', async () => {
    const response = await post('L-SELF', [{ transaction_id: 'T-5', pending_transaction_id: 'T-5', ...cafe }]);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ pointer: '/transactions/0/pending_transaction_id', message: expect.stringContaining('another transaction') }]);
    expect((await ctx.sql.query(`SELECT 1 FROM accounts WHERE external_id = 'L-SELF'`)).rowCount).toBe(0);
  });
});

describe('a posted transaction naming a posted one', () => {
  it('when pending_transaction_id names a transaction that is already posted, then that one stays: both count, nothing is removed', async () => {
    await accepted('L-POSTED', [{ transaction_id: 'A', ...cafe, amount: '-10.00' }]);
    await accepted('L-POSTED', [{ transaction_id: 'B', pending_transaction_id: 'A', ...cafe, amount: '-20.00' }]);

    expect(await transaction('L-POSTED', 'A')).toMatchObject({ removed_at: null, replaced_by: null });
    expect(await summary('L-POSTED')).toMatchObject({ total_transactions: 2, total_spend: '30.00' });
  });
});

describe('pending transactions that change (§10)', () => {
  it('when a pending amount changes (a tip), then it is modified and the summary follows', async () => {
    await accepted('L-TIP', [{ transaction_id: 'P-4', pending: true, ...cafe }]);
    expect(await accepted('L-TIP', [{ transaction_id: 'P-4', pending: true, ...cafe, amount: '-14.50' }])).toMatchObject({ modified: 1, accepted: 0 });
    expect(await summary('L-TIP')).toMatchObject({ total_transactions: 1, total_spend: '14.50' });
  });

  it('when a pending text changes, then it is enriched again; when its category is locked, the category survives', async () => {
    await accepted('L-TEXT', [
      { transaction_id: 'P-5', pending: true, ...cafe },
      { transaction_id: 'P-6', pending: true, ...cafe },
    ]);
    await completeAll('L-TEXT');
    await ctx.sql.query(`UPDATE transactions SET category = 'TRAVEL', category_source = 'user', category_locked = true WHERE transaction_id = 'P-6'`);
    await accepted('L-TEXT', [
      { transaction_id: 'P-5', pending: true, ...cafe, description: 'BLUE BOTTLE COFFEE OAKLAND' },
      { transaction_id: 'P-6', pending: true, ...cafe, description: 'BLUE BOTTLE COFFEE OAKLAND' },
    ]);
    expect(await transaction('L-TEXT', 'P-5')).toMatchObject({ status: 'pending', attempts: 0, description: 'BLUE BOTTLE COFFEE OAKLAND' });
    expect(await transaction('L-TEXT', 'P-6')).toMatchObject({ status: 'completed', category: 'TRAVEL', category_locked: true });

    // The modified row was handed to the queue: a worker enriches it again with the categorizer's own answer.
    ctx.container.worker.start();
    try {
      await expect.poll(async () => (await transaction('L-TEXT', 'P-5')).status, { timeout: 15_000 }).toBe('completed');
    } finally {
      await ctx.container.worker.stop();
    }
    const again = await transaction('L-TEXT', 'P-5');
    // Whatever it answers now (a correction of this merchant elsewhere in the file teaches it), it is not the stale answer.
    expect(again).toMatchObject({ attempts: 1, category_locked: false });
    expect(again.category_source).not.toBe('rules:test');
    expect(await transaction('L-TEXT', 'P-6')).toMatchObject({ category: 'TRAVEL', category_source: 'user', category_locked: true });
  });

  it('when the same pending transaction is sent again unchanged, then it is a duplicate', async () => {
    await accepted('L-SAME', [{ transaction_id: 'P-7', pending: true, ...cafe }]);
    expect(await accepted('L-SAME', [{ transaction_id: 'P-7', pending: true, ...cafe }])).toMatchObject({ accepted: 0, duplicates: 1, modified: 0, status: 'completed' });
  });

  it('when a posted transaction is sent again with other content, then 409 duplicate_conflict and nothing is stored', async () => {
    await accepted('L-POSTED', [{ transaction_id: 'T-3', ...cafe }]);
    const response = await post('L-POSTED', [
      { transaction_id: 'T-4', ...cafe },
      { transaction_id: 'T-3', ...cafe, amount: '-13.00' },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'duplicate_conflict', transaction_ids: ['T-3'] });
    expect((await ctx.sql.query(`SELECT 1 FROM transactions WHERE transaction_id = 'T-4'`)).rowCount).toBe(0);
  });
});

describe('POST /api/integrations/transactions/remove (§10)', () => {
  it('when pending and posted transactions are removed, then they stay readable but count nowhere, and removing again is idempotent', async () => {
    const stored = await accepted('L-RM', [
      { transaction_id: 'R-1', pending: true, ...cafe },
      { transaction_id: 'R-2', ...cafe, amount: '-20.00' },
      { transaction_id: 'R-3', ...cafe, amount: '100.00' },
    ]);
    const first = await remove('L-RM', ['R-1', 'R-2', 'R-404']);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ removed: 2, already_removed: 0, not_found: ['R-404'] });
    expect((await remove('L-RM', ['R-1'])).json()).toEqual({ removed: 0, already_removed: 1, not_found: [] });
    // The path takes a trailing slash, as the ingest path does.
    expect((await remove('L-RM', ['R-2'], '/api/integrations/transactions/remove/')).json()).toEqual({ removed: 0, already_removed: 1, not_found: [] });

    expect(await summary('L-RM')).toMatchObject({
      total_transactions: 1,
      total_spend: '0.00',
      total_income: '100.00',
      ingestion_status: { pending: 1, processing: 0, completed: 0, failed: 0 },
    });
    expect((await batch(stored.batch_id)).counts).toEqual({ total: 1, pending: 1, processing: 0, completed: 0, failed: 0 });
    expect(await transaction('L-RM', 'R-2')).toMatchObject({ removed_at: expect.any(String) });
    const page = (await ctx.app.inject({ url: `/api/batches/${stored.batch_id}/transactions`, headers: bearer(key) })).json();
    expect(page.transactions.map((t: Tx) => t.transaction_id)).toEqual(['R-1', 'R-2', 'R-3']);
    // Batch pages show the lifecycle fields too (§10: every transaction object returned anywhere).
    expect(page.transactions[0]).toMatchObject({ pending: true, pending_transaction_id: null, removed_at: expect.any(String), replaced_by: null, category_locked: false });
    expect(page.transactions[2]).toMatchObject({ pending: false, removed_at: null });

    // Nor do they count in the account list or the monthly report (§15).
    const accounts = (await ctx.app.inject({ url: '/api/accounts?limit=1000', headers: bearer(key) })).json().accounts;
    expect(accounts.find((a: Tx) => a.account_id === 'L-RM')).toMatchObject({ transaction_count: 1 });
    const monthly = (await ctx.app.inject({ url: '/api/reports/account/L-RM/monthly', headers: bearer(key) })).json();
    expect(monthly.months).toEqual([{ month: '2026-11', total_spend: '0.00', total_income: '100.00', net: '100.00', categories: [] }]);
  });

  it('when a completed batch\'s transactions are removed later, then its completed_at stays when it completed', async () => {
    const { batch_id: batchId } = await accepted('L-DONE', [{ transaction_id: 'D-1', ...cafe }, { transaction_id: 'D-2', ...cafe, amount: '-3.00' }]);
    await completeAll('L-DONE');
    const completed = await batch(batchId);
    expect(completed).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    expect(completed.completed_at).not.toBe(completed.created_at);
    expect((await remove('L-DONE', ['D-1', 'D-2'])).json()).toMatchObject({ removed: 2 });
    expect(await batch(batchId)).toMatchObject({ status: 'completed', completed_at: completed.completed_at, counts: { total: 0 } });
  });

  it('when a batch\'s transactions are all removed before they were enriched, then it is completed when they were removed, not when it was created', async () => {
    const { batch_id: batchId } = await accepted('L-GONE', [{ transaction_id: 'G-1', ...cafe }, { transaction_id: 'G-2', ...cafe, amount: '-3.00' }]);
    const open = await batch(batchId);
    expect(open).toMatchObject({ status: 'pending', completed_at: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await remove('L-GONE', ['G-1', 'G-2'])).json()).toMatchObject({ removed: 2 });
    const done = await batch(batchId);
    expect(done).toMatchObject({ status: 'completed', counts: { total: 0 } });
    const { removed_at: removedAt } = await transaction('L-GONE', 'G-2');
    expect(Date.parse(done.completed_at)).toBe(Date.parse(removedAt));
    expect(Date.parse(done.completed_at)).toBeGreaterThan(Date.parse(done.created_at));
  });

  it('when a completed batch\'s pending transaction is modified later, moving to the batch that carried the change, then the first batch\'s completed_at stays what it announced', async () => {
    const { batch_id: first } = await accepted('L-MOVED', [{ transaction_id: 'M-1', ...cafe, pending: true }]);
    await completeAll('L-MOVED');
    // The scheduler's sweep finds the batch done, stamps it and announces it (batch.completed).
    await ctx.container.maintenance.sweep();
    const announced = await batch(first);
    expect(announced).toMatchObject({ status: 'completed', counts: { total: 1 } });
    expect(announced.completed_at).not.toBe(announced.created_at);
    const { batch_id: second } = await accepted('L-MOVED', [{ transaction_id: 'M-1', ...cafe, amount: '-14.50', pending: true }]);
    expect(second).not.toBe(first);
    expect(await batch(first)).toMatchObject({ status: 'completed', completed_at: announced.completed_at, counts: { total: 0 } });
  });

  it('when a removed transaction is sent again, then the same content is a duplicate and other content a 409', async () => {
    await accepted('L-RM2', [{ transaction_id: 'R-5', pending: true, ...cafe }]);
    await remove('L-RM2', ['R-5']);
    expect(await accepted('L-RM2', [{ transaction_id: 'R-5', pending: true, ...cafe }])).toMatchObject({ duplicates: 1, modified: 0 });
    expect((await post('L-RM2', [{ transaction_id: 'R-5', pending: true, ...cafe, amount: '-1.00' }])).statusCode).toBe(409);
  });

  it('when a removed row is claimed by nothing, then enrichment never picks it again', async () => {
    await accepted('L-RM3', [{ transaction_id: 'R-6', ...cafe }]);
    await remove('L-RM3', ['R-6']);
    const claimed = await ctx.sql.query(`SELECT 1 FROM transactions WHERE transaction_id = 'R-6' AND status = 'pending' AND removed_at IS NULL`);
    expect(claimed.rowCount).toBe(0);
  });

  it('when the body is malformed or the account unknown, then 400 names the field and 404 answers the account', async () => {
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { account_id: 'L-RM', transaction_ids: [] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/transaction_ids' }] });
    expect((await remove('NOPE', ['X'])).statusCode).toBe(404);
  });
});

describe('dedupe both ways', () => {
  it('when requests modify, replace and remove the same pending transactions at once, then every one is answered 202 or 200 and the summary counts what is stored', async () => {
    const ids = Array.from({ length: 80 }, (_, i) => `p${i}`);
    const merchants = ['Blue Bottle', 'Uber', 'Netflix', 'Walmart', 'Shell'];
    await accepted('ACC-RACE', ids.map((id, i) => ({ transaction_id: id, pending: true, date: '2026-01-15', amount: '-1.00', merchant_name: merchants[i % 5] })));
    // Every request touches p0–p39, sent again changed; each third one also removes, or posts in place of, its own 5 of p40–p79.
    // (Writes to one account wait for each other: eight stay well inside the database's lock timeout on a loaded machine.)
    const changed = (k: number) => ids.slice(0, 40).map((id, i) => ({ transaction_id: id, pending: true, date: `2026-03-0${1 + (k % 9)}`, amount: `-${1 + k}.00`, merchant_name: merchants[(i + k) % 5] }));
    const requests = Array.from({ length: 8 }, (_, k) => {
      const own = ids.slice(40 + 5 * k, 45 + 5 * k);
      if (k % 3 === 1) return remove('ACC-RACE', own);
      if (k % 3 === 2) return post('ACC-RACE', [...changed(k), ...own.map((id) => ({ transaction_id: `posted-${id}`, pending_transaction_id: id, date: '2026-02-10', amount: '-2.00', merchant_name: 'Uber' }))]);
      return post('ACC-RACE', changed(k));
    });
    const answers = await Promise.all(requests);
    expect(answers.map((a) => `${a.statusCode} ${a.statusCode >= 400 ? a.body : ''}`.trim()).filter((a) => a !== '200' && a !== '202')).toEqual([]);
    const { rows } = await ctx.sql.query(
      `SELECT count(*)::int AS n, coalesce(-sum(t.amount), 0)::numeric(20,2)::text AS spend
         FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id = 'ACC-RACE' AND t.removed_at IS NULL`,
    );
    expect(await summary('ACC-RACE')).toMatchObject({ total_transactions: rows[0].n, total_spend: rows[0].spend });
  });

  it('when two identical card payments on one day have different ids, then both are stored; the same id twice is one', async () => {
    expect(await accepted('L-TWIN', [{ transaction_id: 'C-1', ...cafe }, { transaction_id: 'C-2', ...cafe }])).toMatchObject({ accepted: 2 });
    expect(await accepted('L-TWIN', [{ transaction_id: 'C-1', ...cafe }])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await summary('L-TWIN')).toMatchObject({ total_transactions: 2, total_spend: '25.00' });
  });
});

describe('summaries with and without pending transactions (§6, §10)', () => {
  it('when include_pending=false, then pending transactions are left out; absent or true counts them; other values are 400', async () => {
    await accepted('L-INC', [
      { transaction_id: 'I-1', pending: true, ...cafe },
      { transaction_id: 'I-2', ...cafe, amount: '-30.00' },
    ]);
    expect(await summary('L-INC')).toMatchObject({ include_pending: true, total_transactions: 2, total_spend: '42.50' });
    expect(await summary('L-INC', '?include_pending=true')).toMatchObject({ include_pending: true, total_transactions: 2 });
    expect(await summary('L-INC', '?include_pending=false')).toMatchObject({ include_pending: false, total_transactions: 1, total_spend: '30.00' });
    const bad = await ctx.app.inject({ url: '/api/reports/account/L-INC/summary?include_pending=yes', headers: bearer(key) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/include_pending' }] });
  });
});
