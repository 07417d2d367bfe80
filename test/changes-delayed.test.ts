import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, followChanges, type FeedChange, type TestContext } from './helpers/context.js';

/**
 * The change feed (§12) while writers of every kind commit out of order on purpose: a commit-time
 * trigger, created in this file's own database only, makes some transactions sleep inside COMMIT,
 * after their change ids were handed out and while they hold their rows. A reader that advanced by
 * id would step past those ids before they commit and never see them.
 */
let ctx: TestContext;
let key: string;

beforeAll(async () => {
  // A consumer following pages of two asks faster than the default per-integration rate limit allows.
  ctx = await createTestContext({ WORKER_CONCURRENCY: '8', RATE_LIMIT_PER_SECOND: '0' });
  key = await ctx.key(['ingest', 'reports']);
  // Once per database transaction that records a change: two times in five, sleep 50–300 ms at COMMIT.
  await ctx.sql.query(`
    CREATE FUNCTION test_delay_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lucro_test.delayed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('lucro_test.delayed', 'yes', true);
        IF random() < 0.4 THEN PERFORM pg_sleep(0.05 + random() * 0.25); END IF;
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER test_delay_commit AFTER INSERT ON changes
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_delay_commit();
  `);
});
afterAll(() => ctx.close());

const json = { 'content-type': 'application/json' };

async function call(method: 'POST' | 'PATCH', url: string, payload: unknown): Promise<void> {
  const response = await ctx.app.inject({ method, url, headers: { ...bearer(key), ...json }, payload: JSON.stringify(payload) });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
}

const ingest = (accountId: string, transactions: Array<Record<string, unknown>>) =>
  call('POST', '/api/integrations/transactions', {
    account: { account_id: accountId, currency: 'USD' },
    transactions: transactions.map((t) => ({ date: '2026-11-05', description: 'CORNER SHOP 12', ...t })),
  });

/** Follows next_cursor with pages of two until the feed is at its end. */
const follow = (cursor: string | undefined) => followChanges(ctx, key, cursor, 2);

describe('the feed while commits are deliberately delayed', () => {
  it('when ingestion, modifications, corrections, replacements, removals and enrichment commit late and out of order, then a consumer following small pages sees every change of every transaction once, in order, and summaries and batch counts stay exact', async () => {
    // The consumer starts at the end of the feed as it is before any writer runs: reading the start
    // while writers ran would drop their first changes from what the test compares.
    let cursor = (await follow(undefined)).cursor;
    ctx.container.worker.start();
    let done = false;
    const writers = Promise.all(
      Array.from({ length: 6 }, (_, w) =>
        (async () => {
          const account = `D-${w}`;
          for (let round = 0; round < 4; round++) {
            const pending = `P${w}-${round}`;
            await ingest(account, [{ transaction_id: pending, pending: true, amount: '-4.00' }]);
            await ingest(account, [{ transaction_id: pending, pending: true, amount: '-4.75' }]);
            await call('PATCH', `/api/accounts/${account}/transactions/${pending}`, { category: 'TRAVEL' });
            // Half the pending payments post under a new id, the other half are dropped by the bank.
            if (round % 2 === 0) await ingest(account, [{ transaction_id: `T${w}-${round}`, pending_transaction_id: pending, amount: '-5.00' }]);
            else await call('POST', '/api/integrations/transactions/remove', { account_id: account, transaction_ids: [pending] });
          }
        })(),
      ),
    ).finally(() => {
      done = true;
    });

    const seen: FeedChange[] = [];
    while (!done) {
      const next = await follow(cursor);
      seen.push(...next.changes);
      cursor = next.cursor;
    }
    await writers;
    await expect
      .poll(async () => (await ctx.sql.query(`SELECT count(*)::int AS n FROM transactions WHERE status IN ('pending', 'processing') AND removed_at IS NULL`)).rows[0].n, {
        timeout: 20_000,
      })
      .toBe(0);
    await ctx.container.worker.stop();
    seen.push(...(await follow(cursor)).changes);

    const { rows } = await ctx.sql.query<{ transaction_id: string; types: string[] }>(
      `SELECT t.transaction_id, array_agg(c.type ORDER BY c.id) AS types
         FROM changes c JOIN transactions t ON t.id = c.transaction_pk GROUP BY t.transaction_id`,
    );
    expect(rows).toHaveLength(6 * 4 + 6 * 2);
    // The delays did their work: some change committed after one with a later id (a reader by id would have skipped it).
    const overtaken = await ctx.sql.query(
      `WITH placed AS (SELECT c.id, g.seq FROM changes c JOIN change_commits g ON g.xid = c.xid AND g.integration_id = c.integration_id)
       SELECT 1 FROM placed a JOIN placed b ON a.id < b.id AND a.seq > b.seq LIMIT 1`,
    );
    expect(overtaken.rowCount).toBe(1);
    expect(seen).toHaveLength(rows.reduce((n, row) => n + row.types.length, 0));
    expect(new Set(seen.map((c) => c.cursor)).size).toBe(seen.length);
    for (const row of rows) {
      expect(seen.filter((c) => c.transaction_id === row.transaction_id).map((c) => c.type), row.transaction_id).toEqual(row.types);
    }
    // What the writers did, as the consumer saw it: literal sequences, whatever enrichment did in between.
    const of = (id: string) => seen.filter((c) => c.transaction_id === id && c.type !== 'transaction.enriched').map((c) => c.type);
    expect(of('P0-0')).toEqual(['transaction.added', 'transaction.modified', 'transaction.corrected', 'transaction.removed']);
    expect(of('P0-1')).toEqual(['transaction.added', 'transaction.modified', 'transaction.corrected', 'transaction.removed']);
    expect(of('T0-0')).toEqual(['transaction.added']);

    // Each account: two posted payments of 5.00 count; the pending ones are removed, one way or the other.
    for (let w = 0; w < 6; w++) {
      const summary = (await ctx.app.inject({ url: `/api/reports/account/D-${w}/summary`, headers: bearer(key) })).json();
      expect(summary, `D-${w}`).toMatchObject({
        total_transactions: 2,
        total_spend: '10.00',
        top_spend_categories: [{ category: 'TRAVEL', total_spend: '10.00', transaction_count: 2 }],
        ingestion_status: { pending: 0, processing: 0, completed: 2, failed: 0 },
      });
      const { rows: batches } = await ctx.sql.query<{ id: string }>(`SELECT b.id FROM batches b JOIN accounts a ON a.id = b.account_id WHERE a.external_id = $1`, [`D-${w}`]);
      let total = 0;
      for (const { id } of batches) total += (await ctx.app.inject({ url: `/api/batches/${id}`, headers: bearer(key) })).json().counts.total;
      expect(total, `D-${w} batch counts`).toBe(2);
    }
  }, 120_000);
});
