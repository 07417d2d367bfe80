import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest']);
});
afterAll(() => ctx.close());

const ingest = (body: unknown) => ingestBatch(ctx, key, body);

const get = (url: string) => ctx.app.inject({ url, headers: bearer(key) });

async function setStatus(batchId: string, ids: string[], status: string): Promise<void> {
  await ctx.sql.query(
    `UPDATE transactions SET status = $3, completed_at = CASE WHEN $3 IN ('completed', 'failed') THEN now() END
      WHERE batch_id = $1 AND transaction_id = ANY($2)`,
    [batchId, ids, status],
  );
}

describe('GET /api/batches/{batch_id} (§5)', () => {
  it('when nothing has started, then the batch is pending with every row counted as pending', async () => {
    const batchId = await ingest(batchBody(4, { accountId: 'B-PENDING' }));
    const response = await get(`/api/batches/${batchId}`);
    expect(response.statusCode).toBe(200);
    const json = response.json();
    expect(json).toMatchObject({
      batch_id: batchId,
      account_id: 'B-PENDING',
      status: 'pending',
      completed_at: null,
      counts: { total: 4, pending: 4, processing: 0, completed: 0, failed: 0 },
    });
    expect(new Date(json.created_at).toISOString()).toBe(json.created_at);
  });

  it('when some rows are under way, then the batch is processing', async () => {
    const batchId = await ingest(batchBody(4, { accountId: 'B-PROC' }));
    await setStatus(batchId, ['TX-1'], 'completed');
    expect((await get(`/api/batches/${batchId}`)).json()).toMatchObject({ status: 'processing', counts: { pending: 3, completed: 1 } });
    await setStatus(batchId, ['TX-2'], 'processing');
    expect((await get(`/api/batches/${batchId}`)).json()).toMatchObject({ status: 'processing', counts: { pending: 2, processing: 1, completed: 1 } });
  });

  it('when a worker\'s lease ran out and its rows went back to pending, then the batch stays processing, in its own page and in the list\'s status filter', async () => {
    const batchId = await ingest(batchBody(3, { accountId: 'B-LEASE' }));
    // A worker claimed every row and died: its lease is over, and the scheduler hands them out again.
    await ctx.sql.query(
      `UPDATE transactions SET status = 'processing', attempts = 1, claim_token = gen_random_uuid(), lease_expires_at = now() - interval '1 second' WHERE batch_id = $1`,
      [batchId],
    );
    await ctx.container.maintenance.sweep();
    const batch = (await get(`/api/batches/${batchId}`)).json();
    expect(batch).toMatchObject({ status: 'processing', counts: { total: 3, pending: 3, processing: 0 } });
    const listed = async (status: string) => (await get(`/api/batches?status=${status}&limit=1000`)).json().batches.map((b: { batch_id: string }) => b.batch_id);
    expect(await listed('processing')).toContain(batchId);
    expect(await listed('pending')).not.toContain(batchId);
  });

  it('when every row completed, then completed with completed_at; when some failed, then completed_with_errors', async () => {
    const ok = await ingest(batchBody(2, { accountId: 'B-DONE' }));
    await setStatus(ok, ['TX-1', 'TX-2'], 'completed');
    const done = (await get(`/api/batches/${ok}`)).json();
    expect(done.status).toBe('completed');
    expect(done.completed_at).not.toBeNull();

    const bad = await ingest(batchBody(2, { accountId: 'B-ERR' }));
    await setStatus(bad, ['TX-1'], 'completed');
    await setStatus(bad, ['TX-2'], 'failed');
    expect((await get(`/api/batches/${bad}`)).json()).toMatchObject({ status: 'completed_with_errors', counts: { completed: 1, failed: 1 } });
  });

  it('when a batch holds duplicates, then its counts cover only the rows it stored', async () => {
    await ingest(batchBody(3, { accountId: 'B-DUP' }));
    const second = await ingest(batchBody(5, { accountId: 'B-DUP' }));
    expect((await get(`/api/batches/${second}`)).json().counts).toEqual({ total: 2, pending: 2, processing: 0, completed: 0, failed: 0 });
  });

  it('when the id is malformed, then 400 invalid_parameter; when unknown, then 404 not_found', async () => {
    const malformed = await get('/api/batches/12345');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('invalid_parameter');
    const unknown = await get('/api/batches/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
  });
});

describe('GET /api/batches/{batch_id}/transactions (§5)', () => {
  it('when paging with a limit, then every transaction comes exactly once in order and the last page has a null cursor', async () => {
    const batchId = await ingest(batchBody(25, { accountId: 'B-PAGE' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/api/batches/${batchId}/transactions?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.transactions.map((t: { transaction_id: string }) => t.transaction_id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('when a page\'s cursor is read, then it holds the last transaction\'s own id, no row number shared with other integrations; an id the account lacks is refused', async () => {
    const batchId = await ingest(batchBody(3, { accountId: 'B-CURSOR' }));
    const first = (await get(`/api/batches/${batchId}/transactions?limit=1`)).json();
    expect(JSON.parse(Buffer.from(first.next_cursor, 'base64url').toString('utf8'))).toEqual(['batch-transactions', 'TX-1']);
    const made = Buffer.from(JSON.stringify(['batch-transactions', 'TX-404'])).toString('base64url');
    expect((await get(`/api/batches/${batchId}/transactions?cursor=${made}`)).json()).toMatchObject({ status: 400, code: 'invalid_parameter', errors: [{ pointer: '/cursor' }] });
    // A cursor of the earlier form (the row id), handed out before an upgrade, still pages on.
    const { rows } = await ctx.sql.query(`SELECT id::int AS id FROM transactions WHERE batch_id = $1 AND transaction_id = 'TX-1'`, [batchId]);
    const legacy = Buffer.from(JSON.stringify(['batch-transactions', rows[0].id])).toString('base64url');
    expect((await get(`/api/batches/${batchId}/transactions?limit=1&cursor=${legacy}`)).json().transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['TX-2']);
  });

  it('when reading a page, then each item has the contract fields with null for what is unknown', async () => {
    const body = batchBody(1, { accountId: 'B-FIELDS' });
    delete body.transactions[0]!.merchant_name;
    const batchId = await ingest(body);
    const item = (await get(`/api/batches/${batchId}/transactions`)).json().transactions[0];
    expect(item).toEqual({
      transaction_id: 'TX-1',
      date: '2026-11-01',
      amount: '-3.50',
      currency: 'USD',
      merchant_name: null,
      description: 'STARBUCKS STORE 1000 SEATTLE WA',
      category: null,
      category_confidence: null,
      category_source: null,
      category_locked: false,
      categorizer_version: null,
      status: 'pending',
      attempts: 0,
      error: null,
      batch_id: batchId,
      pending: false,
      pending_transaction_id: null,
      removed_at: null,
      replaced_by: null,
    });
  });

  it('when no limit is given, then the page holds up to 100', async () => {
    const batchId = await ingest(batchBody(101, { accountId: 'B-DEFAULT' }));
    const page = (await get(`/api/batches/${batchId}/transactions`)).json();
    expect(page.transactions).toHaveLength(100);
    expect(page.next_cursor).not.toBeNull();
  });

  it('when limit or cursor is invalid, then 400 invalid_parameter', async () => {
    const batchId = await ingest(batchBody(1, { accountId: 'B-BADQ' }));
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=-1', 'cursor=garbage']) {
      const response = await get(`/api/batches/${batchId}/transactions?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('invalid_parameter');
    }
    expect((await get(`/api/batches/${batchId}/transactions?limit=1000`)).statusCode).toBe(200);
  });
});
