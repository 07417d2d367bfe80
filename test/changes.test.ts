import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { encodeCursor } from '../src/domain/query-params.js';
import { bearer, createTestContext, followChanges, postTransactions, type FeedChange, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest', 'reports']);
});
afterAll(() => ctx.close());

const post = (accountId: string, transactions: Array<Record<string, unknown>>, apiKey = key) => postTransactions(ctx, apiKey, accountId, transactions);

const page = (query: string, apiKey = key) => ctx.app.inject({ url: `/api/changes${query}`, headers: bearer(apiKey) });

/** Follows next_cursor with small pages until the feed is at its end. */
const follow = (cursor: string | undefined, apiKey = key, limit = 3) => followChanges(ctx, apiKey, cursor, limit);

const tx = (id: string, extra: Record<string, unknown> = {}) => ({ transaction_id: id, date: '2026-11-03', amount: '-4.00', description: 'CORNER SHOP', ...extra });

describe('GET /api/changes (§12)', () => {
  it('when transactions are added, modified, enriched and removed, then a consumer sees each change once, in order, with the transaction as it is now', async () => {
    const start = await follow(undefined);
    await post('F-1', [tx('A', { pending: true }), tx('B')]);
    await post('F-1', [tx('A', { pending: true, amount: '-5.00' })]);
    await ctx.container.worker.start();
    await expect.poll(async () => (await ctx.sql.query(`SELECT count(*)::int AS n FROM transactions WHERE status = 'completed'`)).rows[0].n, { timeout: 10_000 }).toBe(2);
    await ctx.container.worker.stop();
    await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/remove',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { account_id: 'F-1', transaction_ids: ['B'] },
    });

    const { changes } = await follow(start.cursor);
    const of = (id: string) => changes.filter((c) => c.transaction_id === id).map((c) => c.type);
    expect(of('A')).toEqual(['transaction.added', 'transaction.modified', 'transaction.enriched']);
    expect(of('B')).toEqual(['transaction.added', 'transaction.enriched', 'transaction.removed']);
    const removed = changes.find((c) => c.type === 'transaction.removed');
    expect(removed).toMatchObject({ account_id: 'F-1', transaction: { transaction_id: 'B', removed_at: expect.any(String) } });
    expect(new Set(changes.map((c) => c.cursor)).size).toBe(changes.length);
    // The feed shows each transaction exactly as the transaction endpoint does.
    for (const id of ['A', 'B']) {
      const own = (await ctx.app.inject({ url: `/api/accounts/F-1/transactions/${id}`, headers: bearer(key) })).json();
      for (const change of changes.filter((c) => c.transaction_id === id)) expect(change.transaction).toEqual(own);
    }
    expect(changes[0]).toEqual({
      cursor: expect.any(String),
      type: 'transaction.added',
      account_id: 'F-1',
      transaction_id: 'A',
      occurred_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      transaction: expect.objectContaining({ transaction_id: 'A', pending: true, category_confidence: expect.any(Number) }),
    });
  });

  it('when the feed is at its end, then changes is empty and next_cursor stays usable for later changes', async () => {
    const end = await follow(undefined);
    const again = (await page(`?cursor=${encodeURIComponent(end.cursor)}`)).json();
    expect(again).toEqual({ changes: [], next_cursor: end.cursor, has_more: false });
    await post('F-2', [tx('C')]);
    const later = (await page(`?cursor=${encodeURIComponent(end.cursor)}`)).json();
    expect(later.changes.map((c: FeedChange) => [c.type, c.transaction_id])).toEqual([['transaction.added', 'C']]);
  });

  it('when a page is full, then has_more is true', async () => {
    await post('F-3', [tx('D1'), tx('D2'), tx('D3')]);
    const first = (await page('?limit=1')).json();
    expect(first.changes).toHaveLength(1);
    expect(first.has_more).toBe(true);
  });

  it('when a request is rolled back, then it leaves no change record', async () => {
    const end = await follow(undefined);
    await post('F-4', [tx('E')]);
    const conflict = await post('F-4', [tx('E2'), tx('E', { amount: '-9.99' })]);
    expect(conflict.statusCode).toBe(409);
    const { changes } = await follow(end.cursor);
    expect(changes.map((c) => c.transaction_id)).toEqual(['E']);
  });

  it('when another integration reads the feed, then it sees none of these changes', async () => {
    const other = await ctx.key(['ingest', 'reports'], 'other-bank');
    const { changes } = await follow(undefined, other);
    expect(changes).toEqual([]);
    await post('F-OTHER', [tx('Z')], other);
    const mine = await follow(undefined, other);
    expect(mine.changes.map((c) => c.transaction_id)).toEqual(['Z']);
  });

  it('when another integration is handed cursors, then they are sealed with its own key: the same place reads differently, and neither can read from the other\'s', async () => {
    const mine = await ctx.key(['ingest', 'reports'], 'sealed-a');
    const theirs = await ctx.key(['ingest', 'reports'], 'sealed-b');
    // Both feeds are empty: each is handed the cursor of the same place, the first change kept.
    const [a, b] = [(await page('', mine)).json().next_cursor, (await page('', theirs)).json().next_cursor];
    expect(a).not.toBe(b);
    await post('F-SEALED', [tx('S1'), tx('S2')], mine);
    const [first] = (await follow(a, mine)).changes;
    // 16 bytes that are not the old JSON: nothing in it counts the changes of the others.
    for (const cursor of [a, first?.cursor as string]) {
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(() => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).toThrow();
    }
    const stolen = await page(`?cursor=${first?.cursor}`, theirs);
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/cursor' }] });
    expect((await follow(first?.cursor, mine)).changes.map((c) => `${c.transaction_id} ${c.type}`)).toContain('S2 transaction.added');
  });

  it('when a cursor of the form handed out before cursors were sealed names a place reached since, then it reads on only from a commit of the integration\'s own, as a process of the previous version hands out during a rolling upgrade', async () => {
    const theirs = await ctx.key(['ingest', 'reports'], 'legacy-other');
    await post('F-LEGACY', [tx('L1')]);
    await post('F-LEGACY-OTHER', [tx('O1')], theirs);
    await post('F-LEGACY', [tx('L2')]);
    await follow(undefined);
    await follow(undefined, theirs);
    const commitOf = async (accountId: string, id: string) =>
      Number(
        (
          await ctx.sql.query<{ seq: number }>(
            `SELECT g.seq FROM changes c JOIN change_commits g ON g.xid = c.xid AND g.integration_id = c.integration_id
               JOIN transactions t ON t.id = c.transaction_pk JOIN accounts a ON a.id = t.account_id
              WHERE a.external_id = $1 AND t.transaction_id = $2 AND c.type = 'transaction.added'`,
            [accountId, id],
          )
        ).rows[0]?.seq,
      );
    // The previous version's cursor after L1's commit: it reads on with L2, and nothing of the other integration.
    const afterMine = await page(`?cursor=${encodeCursor('changes', await commitOf('F-LEGACY', 'L1'))}`);
    expect(afterMine.statusCode, afterMine.body).toBe(200);
    expect(afterMine.json().changes.map((c: FeedChange) => `${c.transaction_id} ${c.type}`)).toEqual(['L2 transaction.added']);
    // A place of another integration's commit, made up in the old form: refused, so the shared positions cannot be searched out.
    const response = await page(`?cursor=${encodeCursor('changes', await commitOf('F-LEGACY-OTHER', 'O1'))}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/cursor', message: 'is not a cursor this API returned' }] });
  });

  it('when the cursor or limit is malformed, or the cursor is past the end of the feed (never handed out), then 400 invalid_parameter names it', async () => {
    const { next_cursor } = (await page('')).json();
    expect((await page(`?cursor=${next_cursor}`)).statusCode).toBe(200);
    for (const [query, pointer] of [
      ['?cursor=nonsense', '/cursor'],
      [`?cursor=${encodeCursor('changes', [99_999_999, 99_999_999])}`, '/cursor'],
      [`?cursor=${encodeCursor('changes', 2 ** 31)}`, '/cursor'],
      ['?limit=0', '/limit'],
      ['?limit=1001', '/limit'],
    ] as const) {
      const response = await page(query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer }] });
    }
  });

  it('when a key lacks the reports scope, then 403', async () => {
    const ingestOnly = await ctx.key(['ingest']);
    expect((await page('', ingestOnly)).statusCode).toBe(403);
  });
});

describe('the last page', () => {
  it('when a page holds exactly the last changes, then has_more is false', async () => {
    // No enrichment adds its changes behind them.
    await ctx.container.worker.stop();
    const own = await ctx.key(['ingest', 'reports'], 'last-page');
    expect((await postTransactions(ctx, own, 'F-LAST', [tx('X'), tx('Y')])).statusCode).toBe(202);
    const page = (await ctx.app.inject({ url: '/api/changes?limit=2', headers: bearer(own) })).json();
    expect(page.changes.map((c: FeedChange) => [c.transaction_id, c.type])).toEqual([
      ['X', 'transaction.added'],
      ['Y', 'transaction.added'],
    ]);
    expect(page.has_more).toBe(false);
  });
});

describe('the feed under concurrency', () => {
  it('when a transaction holding an early change commits late, then a consumer that already read past later changes still receives it', async () => {
    const start = await follow(undefined);
    // A writer takes a change id, then holds its transaction open while others commit.
    const slow = await ctx.sql.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, raw)
         SELECT a.id, b.id, 'SLOW', '2026-11-04', -1, 'USD', '{}' FROM accounts a JOIN batches b ON b.account_id = a.id
          WHERE a.external_id = 'F-1' LIMIT 1`,
      );
      await slow.query(
        `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
         SELECT a.integration_id, t.account_id, t.id, 'transaction.added' FROM transactions t JOIN accounts a ON a.id = t.account_id
          WHERE t.transaction_id = 'SLOW'`,
      );
      await post('F-5', [tx('FAST')]);
      const before = await follow(start.cursor);
      expect(before.changes.map((c) => c.transaction_id)).toEqual(['FAST']);
      await slow.query('COMMIT');
      const after = await follow(before.cursor);
      expect(after.changes.map((c) => c.transaction_id)).toEqual(['SLOW']);
    } finally {
      slow.release();
    }
  });

  it('when a write waits for the lock of a transaction another write changes, then its change is timed after the one committed before it', async () => {
    await post('F-TIME', [tx('WAITS', { pending: true })]);
    const start = await follow(undefined);
    const other = await ctx.sql.connect();
    try {
      // Another writer (as the worker enriching it) changes the row and records its change, holding the row.
      await other.query('BEGIN');
      await other.query(`UPDATE transactions SET category = 'TRAVEL' WHERE transaction_id = 'WAITS'`);
      await other.query(
        `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
         SELECT a.integration_id, t.account_id, t.id, 'transaction.enriched' FROM transactions t JOIN accounts a ON a.id = t.account_id
          WHERE t.transaction_id = 'WAITS'`,
      );
      const modified = post('F-TIME', [tx('WAITS', { pending: true, amount: '-9.00' })]);
      await waitFor(
        async () => (await ctx.sql.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND state = 'active'`)).rowCount === 1,
        5_000,
        'the modification to wait for the row',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const committing = Date.now();
      await other.query('COMMIT');
      expect((await modified).json()).toMatchObject({ modified: 1 });
      const changes = (await follow(start.cursor)).changes.filter((c) => c.transaction_id === 'WAITS') as Array<FeedChange & { occurred_at: string }>;
      expect(changes.map((c) => c.type)).toEqual(['transaction.enriched', 'transaction.modified']);
      const [enriched, modification] = changes.map((c) => Date.parse(c.occurred_at)) as [number, number];
      expect(modification).toBeGreaterThanOrEqual(enriched);
      // Timed when it was recorded, after the row was free: not when its request began, 200 ms before.
      expect(modification).toBeGreaterThanOrEqual(committing - 5);
    } finally {
      other.release();
    }
  });

  it('when many writers and the enrichment worker commit while a consumer follows with small pages, then it sees every change exactly once, in commit order per transaction', async () => {
    const start = await follow(undefined);
    ctx.container.worker.start();
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let round = 0; round < 5; round++) {
          const id = `W${w}-${round}`;
          await post(`F-W${w}`, [tx(id, { pending: true })]);
          await post(`F-W${w}`, [tx(id, { pending: true, amount: '-6.00' })]);
          await ctx.app.inject({
            method: 'POST',
            url: '/api/integrations/transactions/remove',
            headers: { ...bearer(key), 'content-type': 'application/json' },
            payload: { account_id: `F-W${w}`, transaction_ids: [id] },
          });
        }
      })(),
    );
    const seen: FeedChange[] = [];
    let cursor = start.cursor;
    let done = false;
    const all = Promise.all(writers).then(() => {
      done = true;
    });
    while (!done) {
      const next = await follow(cursor, key, 2);
      seen.push(...next.changes);
      cursor = next.cursor;
    }
    await all;
    await ctx.container.worker.stop();
    seen.push(...(await follow(cursor, key, 2)).changes);

    // What was recorded, per transaction in the order its changes were inserted under the row's lock.
    const { rows } = await ctx.sql.query<{ transaction_id: string; types: string[] }>(
      `SELECT t.transaction_id, array_agg(c.type ORDER BY c.id) AS types
         FROM changes c JOIN transactions t ON t.id = c.transaction_pk
        WHERE t.transaction_id LIKE 'W%-%' GROUP BY t.transaction_id`,
    );
    expect(rows).toHaveLength(8 * 5);
    // The worker also enriches rows that earlier tests left pending: only these writers' rows are counted.
    const written = seen.filter((c) => /^W\d+-\d+$/.test(c.transaction_id));
    expect(written).toHaveLength(rows.reduce((n, row) => n + row.types.length, 0));
    expect(new Set(seen.map((c) => c.cursor)).size).toBe(seen.length);
    for (const row of rows) {
      const types = seen.filter((c) => c.transaction_id === row.transaction_id).map((c) => c.type);
      expect(types, row.transaction_id).toEqual(row.types);
      // Added first, removed last, and never enriched once removed.
      expect(types[0]).toBe('transaction.added');
      expect(types.at(-1)).toBe('transaction.removed');
      expect(types.filter((t) => t === 'transaction.modified')).toHaveLength(1);
    }
  });

  /** Changes aged by hand, as their database transactions would have written them: each commit row no later than its first change. */
  async function commitsStartedWithTheirChanges(): Promise<void> {
    await ctx.sql.query(
      `UPDATE change_commits g SET created_at = m.first
         FROM (SELECT xid, integration_id, min(occurred_at) AS first FROM changes GROUP BY xid, integration_id) m
        WHERE g.xid = m.xid AND g.integration_id = m.integration_id AND m.first < g.created_at`,
    );
  }

  it('when changes are older than the 30-day retention, then the scheduler purges them, keeps a 29-day-old one, and a cursor into them reads on', async () => {
    await post('F-OLD', [tx('OLD-1'), tx('OLD-2')]);
    const end = await follow(undefined);
    await ctx.sql.query(`UPDATE changes SET occurred_at = now() - interval '31 days' WHERE transaction_pk IN (SELECT id FROM transactions WHERE transaction_id = 'OLD-1')`);
    await ctx.sql.query(`UPDATE changes SET occurred_at = now() - interval '29 days' WHERE transaction_pk IN (SELECT id FROM transactions WHERE transaction_id = 'OLD-2')`);
    await commitsStartedWithTheirChanges();
    await ctx.container.maintenance.sweep();
    const { rows } = await ctx.sql.query(`SELECT t.transaction_id FROM changes c JOIN transactions t ON t.id = c.transaction_pk WHERE t.transaction_id LIKE 'OLD-%'`);
    expect(rows.map((r) => r.transaction_id)).toEqual(['OLD-2']);
    await post('F-OLD', [tx('OLD-3')]);
    expect((await follow(end.cursor)).changes.map((c) => c.transaction_id)).toEqual(['OLD-3']);
    // The retention cannot be set below the 30 days of §12.
    expect(() => loadConfig({ CHANGE_RETENTION_DAYS: '29' })).toThrow('CHANGE_RETENTION_DAYS must be a whole number from 30 to 36500, got "29"');
  });

  it('when more changes are past the retention than one purge statement looks at, then one sweep purges them all and keeps the younger ones below them', async () => {
    await post('F-OLDMANY', [tx('OLDMANY-1')]);
    // 12,000 changes written 31 days ago by as many database transactions (made-up xids), with ids
    // above the young ones: more commits than two purge windows.
    await ctx.sql.query(
      `INSERT INTO changes (xid, integration_id, account_id, transaction_pk, type, occurred_at)
       SELECT ((2305843009213693952 + g)::text)::xid8, a.integration_id, t.account_id, t.id, 'transaction.modified', now() - interval '31 days'
         FROM transactions t JOIN accounts a ON a.id = t.account_id CROSS JOIN generate_series(1, 12000) g
        WHERE t.transaction_id = 'OLDMANY-1'`,
    );
    await commitsStartedWithTheirChanges();
    const youngCount = async () => (await ctx.sql.query(`SELECT count(*)::int AS n FROM changes WHERE occurred_at > now() - interval '1 day'`)).rows[0].n;
    const young = await youngCount();
    await ctx.container.maintenance.sweep();
    const { rows } = await ctx.sql.query(
      `SELECT c.type FROM changes c JOIN transactions t ON t.id = c.transaction_pk WHERE t.transaction_id = 'OLDMANY-1'`,
    );
    expect(rows.map((r) => r.type)).toEqual(['transaction.added']);
    expect(await youngCount()).toBe(young);
    // The commits the purge emptied went with their changes.
    const empty = await ctx.sql.query(
      `SELECT 1 FROM change_commits g WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.xid = g.xid AND c.integration_id = g.integration_id)`,
    );
    expect(empty.rowCount).toBe(0);
  });
});
