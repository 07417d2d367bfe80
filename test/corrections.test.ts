import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Categorizer } from '../src/enrichment/categorizers/categorizer.js';
import { collectStatus } from '../src/operations/status.service.js';
import { batchBody, bearer, createTestContext, ingestBatch, whileRowLocked, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const json = { 'content-type': 'application/json' };

function patch(context: TestContext, key: string, path: string, body: unknown) {
  return context.app.inject({ method: 'PATCH', url: `/api/accounts/${path}`, headers: { ...bearer(key), ...json }, payload: JSON.stringify(body) });
}

async function transaction(context: TestContext, key: string, path: string) {
  return (await context.app.inject({ url: `/api/accounts/${path}`, headers: bearer(key) })).json();
}

/** The daily rollup of an account by category and status, and the same aggregated from its finished rows: they must be equal. */
async function rollupAndRaw(context: TestContext): Promise<{ rollup: string[]; raw: string[] }> {
  const client = await context.sql.connect();
  try {
    // One snapshot for both, while the worker may be enriching the unlocked row.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await readRollupAndRaw(client);
  } finally {
    await client.query('COMMIT');
    client.release();
  }
}

async function readRollupAndRaw(context: Pick<TestContext['sql'], 'query'>): Promise<{ rollup: string[]; raw: string[] }> {
  const rollup = await context.query(
    `SELECT date::text, category, status, transactions, spend::numeric(20,2)::text AS spend FROM account_daily_rollup
      WHERE transactions <> 0 OR spend <> 0 ORDER BY 1, 2, 3`,
  );
  const raw = await context.query(
    `SELECT date::text, coalesce(category, '') AS category, status, count(*) AS transactions,
            coalesce(sum(-amount) FILTER (WHERE amount < 0), 0)::numeric(20,2)::text AS spend
       FROM transactions WHERE removed_at IS NULL AND status IN ('completed', 'failed') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const line = (r: Record<string, unknown>) => [r.date, r.category, r.status, r.transactions, r.spend].join('|');
  return { rollup: rollup.rows.map(line), raw: raw.rows.map(line) };
}

async function enrichAll(context: TestContext, key: string, batchId: string): Promise<void> {
  context.container.worker.start();
  await waitFor(async () => (await context.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json().status === 'completed', 20_000, 'enrichment');
}

describe('PATCH a transaction category', () => {
  it('when a category is corrected, then it is locked as the user’s, the summary moves the spend at once, and the feed records the correction', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const batchId = await ingestBatch(ctx, key, batchBody(3, { accountId: 'C-1' }));
    await enrichAll(ctx, key, batchId);

    const response = await patch(ctx, key, 'C-1/transactions/TX-2', { category: 'ENTERTAINMENT' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      transaction_id: 'TX-2',
      batch_id: batchId,
      category: 'ENTERTAINMENT',
      category_source: 'user',
      category_confidence: 1,
      category_locked: true,
      status: 'completed',
      amount: '-6.50',
    });

    const summary = (await ctx.app.inject({ url: '/api/reports/account/C-1/summary', headers: bearer(key) })).json();
    expect(summary.top_spend_categories).toEqual([
      { category: 'FOOD_AND_DRINK', total_spend: '13.00', transaction_count: 2 },
      { category: 'ENTERTAINMENT', total_spend: '6.50', transaction_count: 1 },
    ]);
    // The same correction again (a client retrying) answers the same and changes nothing.
    const again = await patch(ctx, key, 'C-1/transactions/TX-2', { category: 'ENTERTAINMENT' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(response.json());
    const feed = (await ctx.app.inject({ url: '/api/changes?limit=1000', headers: bearer(key) })).json();
    expect(feed.changes.filter((c: { type: string }) => c.type === 'transaction.corrected').map((c: { transaction_id: string }) => c.transaction_id)).toEqual(['TX-2']);
    expect(await transaction(ctx, key, 'C-1/transactions/TX-2')).toMatchObject({ category: 'ENTERTAINMENT', category_locked: true });

    await patch(ctx, key, 'C-1/transactions/TX-1', { category: 'TRAVEL' });
    await patch(ctx, key, 'C-1/transactions/TX-1', { category: 'UNCATEGORIZED' });
    await patch(ctx, key, 'C-1/transactions/TX-3', { category: null });
    const { rollup, raw } = await rollupAndRaw(ctx);
    expect(rollup).toEqual(raw);
    expect(raw).toContain('2026-11-01|UNCATEGORIZED|completed|1|3.50');
  });

  it('when the body is wrong, then 400 validation_error names each field; UNCATEGORIZED is a valid correction', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest']);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'C-2' }));

    const unknown = await patch(ctx, key, 'C-2/transactions/TX-1', { category: 'PETS' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/category' }] });

    const extra = (await patch(ctx, key, 'C-2/transactions/TX-1', { category: 'TRAVEL', note: 'x' })).json();
    expect(extra).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/note' }] });
    expect((await patch(ctx, key, 'C-2/transactions/TX-1', {})).json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/category' }] });
    expect((await patch(ctx, key, 'C-2/transactions/TX-1', ['TRAVEL'])).statusCode).toBe(400);
    expect((await patch(ctx, key, 'C-2/transactions/TX-1', { category: 7 })).json()).toMatchObject({ code: 'validation_error' });
    const { rows } = await ctx.sql.query(`SELECT category_locked FROM transactions WHERE transaction_id = 'TX-1'`);
    expect(rows[0].category_locked).toBe(false);

    const uncategorized = await patch(ctx, key, 'C-2/transactions/TX-1', { category: 'UNCATEGORIZED' });
    expect(uncategorized.statusCode).toBe(200);
    expect(uncategorized.json()).toMatchObject({ category: 'UNCATEGORIZED', category_source: 'user', category_locked: true, status: 'completed' });
  });

  it('when the account or transaction is unknown or another integration’s, then 404; a key without ingest gets 403; a removed transaction 409', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const reportsOnly = await ctx.key(['reports']);
    const other = await ctx.key(['ingest'], 'other-bank');
    await ingestBatch(ctx, key, batchBody(2, { accountId: 'C-3' }));

    expect((await patch(ctx, key, 'NOPE/transactions/TX-1', { category: 'TRAVEL' })).json()).toMatchObject({ code: 'not_found' });
    expect((await patch(ctx, key, 'C-3/transactions/TX-99', { category: 'TRAVEL' })).json()).toMatchObject({ code: 'not_found' });
    expect((await patch(ctx, other, 'C-3/transactions/TX-1', { category: 'TRAVEL' })).statusCode).toBe(404);
    expect((await patch(ctx, reportsOnly, 'C-3/transactions/TX-1', { category: 'TRAVEL' })).json()).toMatchObject({ status: 403, code: 'forbidden' });

    const removed = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(key), ...json },
      payload: JSON.stringify({ account_id: 'C-3', transaction_ids: ['TX-2'] }),
    });
    expect(removed.statusCode).toBe(200);
    const conflict = await patch(ctx, key, 'C-3/transactions/TX-2', { category: 'TRAVEL' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'transaction_removed' });
    const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM corrections`);
    expect(rows[0].n).toBe(0);
  });

  it('when a long write elsewhere holds the transaction past the time limit, then 503 says the database is busy (not unreachable), with Retry-After, and nothing changes', async () => {
    ctx = await createTestContext();
    const context = ctx;
    const key = await ctx.key(['ingest', 'reports']);
    const batchId = await ingestBatch(ctx, key, batchBody(1, { accountId: 'C-BUSY' }));
    await whileRowLocked(context, batchId, async () => {
      const busy = await patch(context, key, 'C-BUSY/transactions/TX-1', { category: 'TRAVEL' });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBeDefined();
      expect(busy.json()).toMatchObject({ code: 'service_unavailable', detail: 'The database is busy and did not answer in time; retry shortly.' });
    });
    expect(await transaction(context, key, 'C-BUSY/transactions/TX-1')).toMatchObject({ category_locked: false });
    const { rows } = await context.sql.query(`SELECT count(*)::int AS n FROM corrections`);
    expect(rows[0].n).toBe(0);
  });

  it('when a correction is chosen as a deadlock victim, then it is run again and answers 200, not busy', async () => {
    ctx = await createTestContext();
    const context = ctx;
    const key = await ctx.key(['ingest', 'reports']);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'C-DEADLOCK' }));
    const other = await context.sql.connect();
    try {
      // Another writer holds the account's rollup rows, which the correction moves the row's amount in
      // (after locking the row), and then asks for the row: each waits for the other.
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM account_monthly_rollup WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'C-DEADLOCK') FOR UPDATE`);
      const corrected = patch(context, key, 'C-DEADLOCK/transactions/TX-1', { category: 'TRAVEL' });
      await waitFor(
        async () => (await context.sql.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE transactions%'`)).rowCount === 1,
        5_000,
        'the correction to wait for the rollup',
      );
      // The correction waited first, so it is the one PostgreSQL rolls back (40P01) a second later.
      await other.query(`SELECT 1 FROM transactions WHERE transaction_id = 'TX-1' AND account_id = (SELECT id FROM accounts WHERE external_id = 'C-DEADLOCK') FOR UPDATE`);
      await other.query('ROLLBACK');
      const response = await corrected;
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ category: 'TRAVEL', category_locked: true });
    } finally {
      other.release();
    }
    const summary = (await context.app.inject({ url: '/api/reports/account/C-DEADLOCK/summary', headers: bearer(key) })).json();
    expect(summary.top_spend_categories).toEqual([{ category: 'TRAVEL', total_spend: '3.50', transaction_count: 1 }]);
  });

  it('when many corrections of one integration run at once, on several accounts and one merchant, then each answers 200 and the integration has learned exactly what the standing corrections teach', async () => {
    ctx = await createTestContext();
    const context = ctx;
    const key = await ctx.key(['ingest', 'reports']);
    const paths: string[] = [];
    for (let a = 0; a < 8; a += 1) {
      await ingestBatch(ctx, key, batchBody(3, { accountId: `C-MANY-${a}` }));
      for (let t = 1; t <= 3; t += 1) paths.push(`C-MANY-${a}/transactions/TX-${t}`);
    }
    // Every round meets on the same merchant's votes and the same model counts; the later ones take lessons back too.
    const rounds: Array<(i: number) => string | null> = [() => 'TRAVEL', (i) => (i % 2 === 0 ? 'FOOD_AND_DRINK' : 'TRAVEL'), (i) => (i % 3 === 0 ? null : 'ENTERTAINMENT')];
    for (const categoryOf of rounds) {
      const answers = await Promise.all(paths.map((path, i) => patch(context, key, path, { category: categoryOf(i) })));
      expect(answers.map((answer) => answer.statusCode)).toEqual(paths.map(() => 200));
    }

    // 24 lines were corrected three times; 16 stand, all ENTERTAINMENT: earlier lessons are taken back, none twice.
    const votes = await ctx.sql.query('SELECT merchant_key, category, votes FROM learned_merchants WHERE votes <> 0');
    expect(votes.rows).toEqual([{ merchant_key: 'STARBUCKS', category: 'ENTERTAINMENT', votes: 16 }]);
    const counts = await ctx.sql.query(
      `SELECT category, min(count)::int AS least, max(count)::int AS most, max(count) FILTER (WHERE feature = '#docs')::int AS documents FROM learned_features WHERE count <> 0 GROUP BY category`,
    );
    // Each of their features (their digits are not features) was taught by all 16.
    expect(counts.rows).toEqual([{ category: 'ENTERTAINMENT', least: 16, most: 16, documents: 16 }]);
  });

  it('when a correction races an in-flight enrichment of the same row, then the correction wins', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Categorizer = {
      name: 'slow',
      version: 'slow@1',
      async categorize() {
        await gate;
        return { category: 'FOOD_AND_DRINK', confidence: 0.9, source: 'slow:v1' };
      },
    };
    ctx = await createTestContext({}, { categorizer: slow });
    const key = await ctx.key(['ingest', 'reports']);
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'C-4' }));
    ctx.container.worker.start();
    await waitFor(async () => (await transaction(ctx!, key, 'C-4/transactions/TX-1')).status === 'processing', 10_000, 'the row to be claimed');

    expect((await patch(ctx, key, 'C-4/transactions/TX-1', { category: 'TRAVEL' })).statusCode).toBe(200);
    release();
    await ctx.container.worker.stop();

    expect(await transaction(ctx, key, 'C-4/transactions/TX-1')).toMatchObject({ category: 'TRAVEL', category_source: 'user', category_locked: true, status: 'completed' });
    const summary = (await ctx.app.inject({ url: '/api/reports/account/C-4/summary', headers: bearer(key) })).json();
    expect(summary.top_spend_categories).toEqual([{ category: 'TRAVEL', total_spend: '3.50', transaction_count: 1 }]);
    expect(summary.ingestion_status).toEqual({ pending: 0, processing: 0, completed: 1, failed: 0 });
  });

  it('when a category is unlocked while no worker runs, then its batch is open again: lucro status counts the row as waiting, and the batch completes once it is enriched', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const batchId = await ingestBatch(ctx, key, batchBody(2, { accountId: 'C-REOPEN' }));
    await enrichAll(ctx, key, batchId);
    await patch(ctx, key, 'C-REOPEN/transactions/TX-1', { category: 'TRAVEL' });
    await ctx.container.worker.stop();

    expect((await patch(ctx, key, 'C-REOPEN/transactions/TX-1', { category: null })).statusCode).toBe(200);
    const batch = () => ctx!.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) }).then((r) => r.json());
    expect(await batch()).toMatchObject({ status: 'processing', completed_at: null, counts: { total: 2, pending: 1, completed: 1 } });
    // What the scheduler re-dispatches and `lucro status` watches are the rows of open batches.
    const report = await collectStatus(ctx.config);
    expect(report.transactions).toMatchObject({ pending: 1, oldest_pending_age_seconds: expect.any(Number) });

    ctx.container.worker.start();
    await waitFor(async () => (await batch()).status === 'completed', 10_000, 'the re-enrichment');
    expect((await batch()).completed_at).toEqual(expect.any(String));
  });

  it('when a category is unlocked with null, then the transaction is enriched again and the lesson is taken back', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const batchId = await ingestBatch(ctx, key, batchBody(2, { accountId: 'C-5' }));
    await enrichAll(ctx, key, batchId);
    await patch(ctx, key, 'C-5/transactions/TX-1', { category: 'TRAVEL' });

    const unlocked = await patch(ctx, key, 'C-5/transactions/TX-1', { category: null });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ category: null, category_source: null, category_confidence: null, category_locked: false, status: 'pending', attempts: 0 });
    await waitFor(async () => (await transaction(ctx!, key, 'C-5/transactions/TX-1')).status === 'completed', 10_000, 'the re-enrichment');
    expect(await transaction(ctx, key, 'C-5/transactions/TX-1')).toMatchObject({
      category: 'FOOD_AND_DRINK',
      category_locked: false,
      attempts: 1,
      category_source: expect.stringMatching(/^rules:/),
    });
    const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM learned_merchants WHERE votes > 0`);
    expect(rows[0].n).toBe(0);
    expect((await ctx.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json().status).toBe('completed');

    // Unlocking again (a client's retry), or unlocking what was never locked, changes nothing.
    const enriched = await transaction(ctx, key, 'C-5/transactions/TX-1');
    const corrections = async () =>
      (await ctx!.app.inject({ url: '/api/changes?limit=1000', headers: bearer(key) })).json().changes.filter((c: { type: string }) => c.type === 'transaction.corrected').length;
    expect(await corrections()).toBe(2);
    for (const id of ['TX-1', 'TX-2']) {
      const again = await patch(ctx, key, `C-5/transactions/${id}`, { category: null });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ category_locked: false, status: 'completed' });
    }
    await sleep(300);
    expect(await transaction(ctx, key, 'C-5/transactions/TX-1')).toEqual(enriched);
    expect(await corrections()).toBe(2);
  });
});
