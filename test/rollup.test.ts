import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Categorizer } from '../src/enrichment/categorizers/categorizer.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { batchBody, bearer, createTestContext, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';

/**
 * The per-day rollup behind account summaries must equal the raw aggregate of the transactions at
 * every moment, while ingestion, enrichment, retries and failures run concurrently.
 */
let ctx: TestContext;
let key: string;
let scheduler: Scheduler;

// Fails about one call in four, so rows are retried and some end failed.
const flaky: Categorizer = {
  name: 'flaky',
  version: 'flaky@1',
  async categorize(transaction) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    if (Math.random() < 0.25) throw new Error('flaky model');
    const categories = ['FOOD_AND_DRINK', 'TRANSPORTATION', 'UNCATEGORIZED', 'INCOME'] as const;
    const pick = categories[transaction.transactionId.length % categories.length] ?? 'UNCATEGORIZED';
    return { category: pick, confidence: 0.5, source: 'flaky:v1' };
  },
};

beforeAll(async () => {
  ctx = await createTestContext({ WORKER_CONCURRENCY: '16', MAX_ATTEMPTS: '2', SCHEDULER_INTERVAL_MS: '100', REDISPATCH_AFTER_MS: '200' }, { categorizer: flaky });
  key = await ctx.key(['ingest', 'reports']);
  scheduler = new Scheduler(ctx.container.maintenance, ctx.container.logger, 100);
});
afterAll(async () => {
  await scheduler.stop();
  await ctx.close();
});

/** Rollup and raw aggregate, read in one snapshot; rows the rollup keeps at zero are left out. */
async function compareInOneSnapshot(): Promise<{ rollup: string[]; raw: string[]; monthly: string[]; rawMonthly: string[] }> {
  const client = await ctx.sql.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const rollup = await client.query(
      `SELECT account_id, date::text, category, status, transactions, spend::numeric(20,3)::text AS spend, income::numeric(20,3)::text AS income, spend_transactions
         FROM account_daily_rollup WHERE transactions <> 0 ORDER BY 1, 2, 3, 4`,
    );
    const raw = await client.query(
      `SELECT account_id, date::text, coalesce(category, '') AS category, status, count(*) AS transactions,
              coalesce(sum(-amount) FILTER (WHERE amount < 0), 0)::numeric(20,3)::text AS spend,
              coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::numeric(20,3)::text AS income,
              count(*) FILTER (WHERE amount < 0) AS spend_transactions
         FROM transactions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    const monthly = await client.query(
      `SELECT account_id, month::text AS date, category, status, transactions, spend::numeric(20,3)::text AS spend, income::numeric(20,3)::text AS income, spend_transactions
         FROM account_monthly_rollup WHERE transactions <> 0 ORDER BY 1, 2, 3, 4`,
    );
    const rawMonthly = await client.query(
      `SELECT account_id, date_trunc('month', date)::date::text AS date, coalesce(category, '') AS category, status, count(*) AS transactions,
              coalesce(sum(-amount) FILTER (WHERE amount < 0), 0)::numeric(20,3)::text AS spend,
              coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::numeric(20,3)::text AS income,
              count(*) FILTER (WHERE amount < 0) AS spend_transactions
         FROM transactions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    await client.query('COMMIT');
    const line = (r: Record<string, unknown>) =>
      [r.account_id, r.date, r.category, r.status, r.transactions, r.spend, r.income, r.spend_transactions].join('|');
    return { rollup: rollup.rows.map(line), raw: raw.rows.map(line), monthly: monthly.rows.map(line), rawMonthly: rawMonthly.rows.map(line) };
  } finally {
    client.release();
  }
}

describe('account daily rollup', () => {
  it('when ingestion, enrichment, retries and failures run at once, then the rollup equals the raw aggregate at every moment', async () => {
    ctx.container.enrichment.start();
    scheduler.start();
    const post = (body: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });

    const bodies = Array.from({ length: 12 }, (_, i) =>
      batchBody(150, { accountId: `ROLL-${i % 3}`, prefix: `B${i % 6}`, amount: (n) => (n % 5 === 0 ? `${n + 1}.25` : `-${n % 7}.${(n * 7) % 100}`.replace(/\.(\d)$/, '.0$1')) }),
    );
    // One batch conflicts with an earlier one and is rolled back whole: the rollup must not keep any of it.
    const conflicting = batchBody(5, { accountId: 'ROLL-0', prefix: 'B0', amount: () => '-999.99' });
    const snapshots: Array<Promise<Awaited<ReturnType<typeof compareInOneSnapshot>>>> = [];
    const responses = await Promise.all([
      ...bodies.map(async (body, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        snapshots.push(compareInOneSnapshot());
        return post(body);
      }),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() => post(conflicting)),
    ]);
    for (const r of responses.slice(0, -1)) expect(r.statusCode).toBe(202);

    await waitFor(
      async () => {
        snapshots.push(compareInOneSnapshot());
        const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM transactions WHERE status IN ('pending', 'processing')`);
        return rows[0].n === 0;
      },
      60_000,
      'every row to finish',
    );
    for (const snapshot of await Promise.all(snapshots)) {
      expect(snapshot.rollup).toEqual(snapshot.raw);
      expect(snapshot.monthly).toEqual(snapshot.rawMonthly);
    }
    const final = await compareInOneSnapshot();
    expect(final.rollup).toEqual(final.raw);
    expect(final.monthly).toEqual(final.rawMonthly);
    const statuses = new Set(final.raw.map((line) => line.split('|')[3]));
    expect(statuses).toEqual(new Set(['completed', 'failed']));
    expect(snapshots.length).toBeGreaterThan(12);

    // And the summary served from the rollup agrees with the rows themselves.
    const summary = (await ctx.app.inject({ url: '/api/reports/account/ROLL-1/summary', headers: bearer(key) })).json();
    const { rows } = await ctx.sql.query(
      `SELECT count(*)::int AS n, coalesce(sum(-t.amount) FILTER (WHERE t.amount < 0), 0)::numeric(20,2)::text AS spend,
              coalesce(sum(t.amount) FILTER (WHERE t.amount > 0), 0)::numeric(20,2)::text AS income
         FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id = 'ROLL-1'`,
    );
    expect(summary).toMatchObject({ total_transactions: rows[0].n, total_spend: rows[0].spend, total_income: rows[0].income });
  }, 90_000);
});
