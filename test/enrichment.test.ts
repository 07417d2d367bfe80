import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPendingOf } from '../src/enrichment/enrichment.repository.js';
import type { CategorizableTransaction, Categorization, Categorizer } from '../src/enrichment/categorizers/categorizer.js';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const ingest = ingestBatch;

async function batchStatus(context: TestContext, key: string, batchId: string) {
  return (await context.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) })).json();
}

class ThrowingCategorizer implements Categorizer {
  readonly name = 'throwing';
  readonly version = 'throwing@1';
  calls = 0;
  async categorize(_t: CategorizableTransaction): Promise<Categorization> {
    this.calls += 1;
    throw new Error('model endpoint answered 503');
  }
}

describe('enrichment worker', () => {
  it('when a batch is enriched, then rows go pending → processing → completed with category, confidence, source and one attempt', async () => {
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '300-400', WORKER_CONCURRENCY: '4' });
    const key = await ctx.key(['ingest']);
    const body = batchBody(8, { accountId: 'W-1' });
    body.transactions[0]!.description = 'ACME CORP PAYROLL';
    body.transactions[0]!.merchant_name = null;
    body.transactions[0]!.amount = '2500.00';
    const batchId = await ingest(ctx, key, body);
    expect((await batchStatus(ctx, key, batchId)).status).toBe('pending');

    ctx.container.worker.start();
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const status = await batchStatus(ctx!, key, batchId);
        seen.add(status.status);
        return status.status === 'completed';
      },
      20_000,
      'the batch to complete',
    );
    expect(seen).toContain('processing');

    const { rows } = await ctx.sql.query(
      `SELECT transaction_id, status, category, category_confidence, category_source, attempts, enrichment_commits, claim_token, error
         FROM transactions WHERE batch_id = $1 ORDER BY transaction_id`,
      [batchId],
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'completed', attempts: 1, enrichment_commits: 1, claim_token: null, error: null });
      expect(row.category_confidence).toBeGreaterThan(0);
      expect(row.category_source).toMatch(/^rules:/);
    }
    expect(rows.find((r) => r.transaction_id === 'TX-1').category).toBe('INCOME');
    expect(rows.find((r) => r.transaction_id === 'TX-2').category).toBe('FOOD_AND_DRINK');
    const batch = await batchStatus(ctx, key, batchId);
    expect(batch.completed_at).not.toBeNull();
    const stamped = await ctx.sql.query('SELECT completed_at FROM batches WHERE id = $1', [batchId]);
    expect(stamped.rows[0].completed_at).not.toBeNull();
  });

  it('when the categorizer throws, then each attempt is counted and the row ends failed with the error text', async () => {
    const categorizer = new ThrowingCategorizer();
    ctx = await createTestContext({ MAX_ATTEMPTS: '3' }, { categorizer });
    const key = await ctx.key(['ingest']);
    const batchId = await ingest(ctx, key, batchBody(2, { accountId: 'W-FAIL' }));
    ctx.container.worker.start();
    await waitFor(async () => (await batchStatus(ctx!, key, batchId)).status === 'completed_with_errors', 20_000, 'the batch to fail');
    const { rows } = await ctx.sql.query('SELECT status, attempts, error, category, enrichment_commits FROM transactions WHERE batch_id = $1', [batchId]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'failed', attempts: 3, error: 'model endpoint answered 503', category: null, enrichment_commits: 0 });
    }
    expect(categorizer.calls).toBe(6);
    const page = (await ctx.app.inject({ url: `/api/batches/${batchId}/transactions`, headers: bearer(key) })).json();
    expect(page.transactions[0]).toMatchObject({ status: 'failed', attempts: 3, error: 'model endpoint answered 503' });
  });

  it('when a categorizer fails once, then the row is retried and completes on its second attempt', async () => {
    let calls = 0;
    const flaky: Categorizer = {
      name: 'flaky',
      version: 'flaky@1',
      async categorize() {
        calls += 1;
        if (calls === 1) throw new Error('timeout talking to the model');
        return { category: 'GENERAL_SERVICES', confidence: 0.5, source: 'flaky:v1' };
      },
    };
    ctx = await createTestContext({}, { categorizer: flaky });
    const key = await ctx.key(['ingest']);
    const batchId = await ingest(ctx, key, batchBody(1, { accountId: 'W-FLAKY' }));
    ctx.container.worker.start();
    await waitFor(async () => (await batchStatus(ctx!, key, batchId)).status === 'completed', 20_000, 'the retry to complete');
    const { rows } = await ctx.sql.query('SELECT status, attempts, error, category_source FROM transactions WHERE batch_id = $1', [batchId]);
    expect(rows[0]).toEqual({ status: 'completed', attempts: 2, error: null, category_source: 'flaky:v1' });
  });

  it('when a small batch is posted behind a large one, then the small one finishes first', async () => {
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '5-15', WORKER_CONCURRENCY: '16' });
    const key = await ctx.key(['ingest']);
    ctx.container.worker.start();
    const big = await ingest(ctx, key, batchBody(3_000, { accountId: 'W-BIG' }));
    const small = await ingest(ctx, key, batchBody(15, { accountId: 'W-SMALL' }));
    await waitFor(async () => (await batchStatus(ctx!, key, small)).status === 'completed', 30_000, 'the small batch');
    const bigNow = await batchStatus(ctx, key, big);
    expect(bigNow.status).not.toBe('completed');
    expect(bigNow.counts.completed).toBeLessThan(3_000);
  });

  it('when a worker is stopped, then it finishes what it holds and leaves no row processing', async () => {
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '100-200', WORKER_CONCURRENCY: '8' });
    const key = await ctx.key(['ingest']);
    const batchId = await ingest(ctx, key, batchBody(200, { accountId: 'W-STOP' }));
    ctx.container.worker.start();
    await waitFor(async () => (await batchStatus(ctx!, key, batchId)).counts.completed > 0, 10_000, 'some progress');
    await ctx.container.worker.stop();
    const { rows } = await ctx.sql.query(`SELECT status, count(*)::int AS n FROM transactions WHERE batch_id = $1 GROUP BY status`, [batchId]);
    const counts = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(counts.processing ?? 0).toBe(0);
    expect(counts.completed).toBeGreaterThan(0);
    expect((counts.pending ?? 0) + counts.completed).toBe(200);
  });
});

describe('claims made together', () => {
  it('when one statement claims for two batches, then no row is taken twice and each batch gets at most what was asked for it', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest']);
    const small = await ingest(ctx, key, batchBody(5, { accountId: 'CLAIM-A' }));
    const large = await ingest(ctx, key, batchBody(8, { accountId: 'CLAIM-B' }));
    const token = randomUUID();

    const rows = await claimPendingOf(ctx.sql, [{ owner: { batchId: small }, limit: 3 }, { owner: { batchId: large }, limit: 20 }], 60_000, token);

    expect(rows.filter((r) => r.wanted === 0).map((r) => r.batchId)).toEqual([small, small, small]);
    expect(rows.filter((r) => r.wanted === 1)).toHaveLength(8);
    expect(rows.filter((r) => r.wanted === 1).every((r) => r.batchId === large)).toBe(true);
    expect(new Set(rows.map((r) => r.id)).size).toBe(11);
    const { rows: states } = await ctx.sql.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM transactions WHERE claim_token = $1 AND attempts = 1 GROUP BY status`,
      [token],
    );
    expect(states).toEqual([{ status: 'processing', n: 11 }]);
    // What is left of the small batch, and nothing of the large one.
    const rest = await claimPendingOf(ctx.sql, [{ owner: { batchId: small }, limit: 10 }, { owner: { batchId: large }, limit: 10 }], 60_000, randomUUID());
    expect(rest.map((r) => [r.batchId, r.wanted])).toEqual([
      [small, 0],
      [small, 0],
    ]);
  });

  it('when the lanes of one batch share a worker with a fast categorizer, then every row is written once, on one attempt, in claims larger than one row', async () => {
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '0', WORKER_CONCURRENCY: '8' });
    const key = await ctx.key(['ingest']);
    const batchId = await ingest(ctx, key, batchBody(1_500, { accountId: 'CLAIM-LANES' }));
    const claimsBefore = await ctx.container.metrics.claimLatency.get();
    ctx.container.worker.start();
    const context = ctx;
    await waitFor(async () => (await batchStatus(context, key, batchId)).status === 'completed', 30_000, 'the batch to complete');
    const { rows } = await ctx.sql.query(
      'SELECT count(*)::int AS n, min(enrichment_commits)::int AS lo, max(enrichment_commits)::int AS hi, max(attempts)::int AS attempts FROM transactions WHERE batch_id = $1',
      [batchId],
    );
    expect(rows[0]).toEqual({ n: 1_500, lo: 1, hi: 1, attempts: 1 });
    const count = (metric: { values: Array<{ metricName?: string; value: number }> }) => metric.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const claims = count(await ctx.container.metrics.claimLatency.get()) - count(claimsBefore);
    // Three lanes at latency 0: a few claims of hundreds of rows, not one per row or per lane and row.
    expect(claims).toBeGreaterThan(0);
    expect(claims).toBeLessThan(40);
  });
});
