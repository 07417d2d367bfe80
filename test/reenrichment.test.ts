import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, createTestContext, ingestBatch, whileRowLocked, type TestContext } from './helpers/context.js';
import { testRedisUrl, waitFor } from './helpers/processes.js';

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const json = { 'content-type': 'application/json' };

function line(id: string, date: string, description: string, amount = '-40.00') {
  return { transaction_id: id, date, amount, currency: 'ZAR', description };
}

async function post(context: TestContext, key: string, url: string, body: unknown, method: 'POST' | 'PATCH' = 'POST') {
  return context.app.inject({ method, url, headers: { ...bearer(key), ...json }, payload: JSON.stringify(body) });
}

async function get(context: TestContext, key: string, url: string) {
  return (await context.app.inject({ url, headers: bearer(key) })).json();
}

const LUCRO = fileURLToPath(new URL('../bin/lucro.js', import.meta.url));

/** The environment of a `lucro` command on the current context's database, with `extra` on top. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: ctx!.db.url, LOG_LEVEL: 'warn', ...extra };
}

/** A fresh context whose integration has one batch of `account` enriched once (the worker stopped again); its key. */
async function enrichedOnce(integration: string, account: string, transactions: Array<ReturnType<typeof line>>): Promise<string> {
  ctx = await createTestContext();
  const key = await ctx.key(['ingest', 'reports'], integration);
  const batchId = await ingestBatch(ctx, key, { account: { account_id: account, currency: 'ZAR' }, transactions });
  ctx.container.worker.start();
  await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'first enrichment');
  await ctx.container.worker.stop();
  return key;
}

describe('re-enrichment', () => {
  it('when an account is re-enriched after corrections, then its other lines learn, locked and removed ones are untouched and uncounted, and the status runs to completed', async () => {
    // Slow enough one at a time that the re-enrichment is seen under way even on a busy machine.
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '400-500', WORKER_CONCURRENCY: '1' });
    const key = await ctx.key(['ingest', 'reports']);
    const transactions = [
      line('R-1', '2026-10-01', 'POS Purchase Umhlali Jukskeibaan  * 01 Oct', '-300.00'),
      ...Array.from({ length: 8 }, (_, i) => line(`R-${i + 2}`, `2026-10-${String(i + 2).padStart(2, '0')}`, `POS Purchase Umhlali Jukskeibaan  * ${i + 2} Oct`)),
      line('R-10', '2026-10-20', 'POS Purchase Dolci Cafe  * 20 Oct', '-55.00'),
      line('R-11', '2026-10-21', 'POS Purchase Umhlali Jukskeibaan  * 21 Oct', '-70.00'),
    ];
    const batchId = await ingestBatch(ctx, key, { account: { account_id: 'RE-1', currency: 'ZAR' }, transactions });
    ctx.container.worker.start();
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'first enrichment');
    expect((await get(ctx, key, '/api/accounts/RE-1/transactions/R-2')).category).toBe('UNCATEGORIZED');

    expect((await post(ctx, key, '/api/accounts/RE-1/transactions/R-1', { category: 'ENTERTAINMENT' }, 'PATCH')).statusCode).toBe(200);
    expect((await post(ctx, key, '/api/accounts/RE-1/transactions/R-10', { category: 'TRAVEL' }, 'PATCH')).statusCode).toBe(200);
    expect((await post(ctx, key, '/api/integrations/transactions/remove', { account_id: 'RE-1', transaction_ids: ['R-11'] })).statusCode).toBe(200);
    const removedBefore = await get(ctx, key, '/api/accounts/RE-1/transactions/R-11');
    await sleep(5_000);

    const accepted = await post(ctx, key, '/api/accounts/RE-1/reenrich', {});
    expect(accepted.statusCode).toBe(202);
    const { reenrichment_id, transactions: n, status_url } = accepted.json();
    expect(n).toBe(8);
    expect(status_url).toBe(`/api/reenrichments/${reenrichment_id}`);
    const early = await get(ctx, key, status_url);
    expect(early.counts.total).toBe(8);
    expect(['pending', 'processing']).toContain(early.status);

    await waitFor(async () => (await get(ctx!, key, status_url)).status === 'completed', 20_000, 'the re-enrichment');
    const done = await get(ctx, key, status_url);
    expect(done).toMatchObject({ reenrichment_id, status: 'completed', counts: { total: 8, pending: 0, processing: 0, completed: 8, failed: 0 } });
    expect(done.completed_at).not.toBeNull();

    const page = await get(ctx, key, '/api/accounts/RE-1/transactions?include_removed=true&limit=100');
    const byId = Object.fromEntries(page.transactions.map((t: Record<string, unknown>) => [t.transaction_id, t]));
    for (let i = 2; i <= 9; i += 1) expect(byId[`R-${i}`]).toMatchObject({ category: 'ENTERTAINMENT', category_source: 'learned:merchant', status: 'completed', attempts: 1 });
    expect(byId['R-1']).toMatchObject({ category: 'ENTERTAINMENT', category_source: 'user', category_locked: true });
    expect(byId['R-10']).toMatchObject({ category: 'TRAVEL', category_source: 'user', category_locked: true });
    expect(byId['R-11']).toEqual(removedBefore);
    expect(byId['R-11'].removed_at).not.toBeNull();

    const summary = await get(ctx, key, '/api/reports/account/RE-1/summary');
    expect(summary.top_spend_categories).toEqual([
      { category: 'ENTERTAINMENT', total_spend: '620.00', transaction_count: 9 },
      { category: 'TRAVEL', total_spend: '55.00', transaction_count: 1 },
    ]);
    expect(summary.ingestion_status).toEqual({ pending: 0, processing: 0, completed: 10, failed: 0 });
    expect((await get(ctx, key, `/api/batches/${batchId}`)).status).toBe('completed');
  }, 60_000);

  it('when a worker\'s lease on a re-enrichment\'s rows runs out and they go back to pending, then its status stays processing, not pending again', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    await ingestBatch(ctx, key, { account: { account_id: 'RE-LEASE', currency: 'ZAR' }, transactions: [line('L-1', '2026-10-01', 'POS Purchase Dolci Cafe'), line('L-2', '2026-10-02', 'POS Purchase Dolci Cafe')] });
    // Enriched once already; no worker runs here, so what the re-enrichment sends back waits.
    await ctx.sql.query(`UPDATE transactions SET status = 'completed', category = 'FOOD_AND_DRINK', completed_at = now() WHERE transaction_id IN ('L-1', 'L-2')`);
    const accepted = (await post(ctx, key, '/api/accounts/RE-LEASE/reenrich', {})).json();
    expect(accepted.transactions).toBe(2);
    expect(await get(ctx, key, accepted.status_url)).toMatchObject({ status: 'pending', counts: { pending: 2 } });
    // A worker claimed both and died: its lease is over, and the scheduler hands them out again.
    await ctx.sql.query(
      `UPDATE transactions SET status = 'processing', attempts = 1, claim_token = gen_random_uuid(), lease_expires_at = now() - interval '1 second' WHERE reenrichment_id = $1`,
      [accepted.reenrichment_id],
    );
    await ctx.container.maintenance.sweep();
    expect(await get(ctx, key, accepted.status_url)).toMatchObject({ status: 'processing', counts: { pending: 2, processing: 0 } });
  });

  it('when filters are given, then only matching unlocked transactions are counted; nothing to do completes at once; each completion is a reenrichment.completed event', async () => {
    ctx = await createTestContext({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    const key = await ctx.key(['ingest', 'reports']);
    const hook = await post(ctx, key, '/api/webhooks', { url: 'https://127.0.0.1:9/hook', events: ['reenrichment.completed'] });
    expect(hook.statusCode).toBe(201);
    const batchId = await ingestBatch(ctx, key, {
      account: { account_id: 'RE-2', currency: 'ZAR' },
      transactions: [
        line('F-1', '2026-09-01', 'POS Purchase Dolci Cafe  * 01 Sep'),
        line('F-2', '2026-10-01', 'POS Purchase Dolci Cafe  * 01 Oct'),
        line('F-3', '2026-10-02', 'POS Purchase Zwartkop Farm Stall'),
        line('F-4', '2026-11-01', 'POS Purchase Zwartkop Farm Stall'),
      ],
    });
    ctx.container.worker.start();
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'first enrichment');

    // Both ends count: F-2 is dated start_date, F-3 end_date.
    expect((await post(ctx, key, '/api/accounts/RE-2/reenrich', { start_date: '2026-10-01', end_date: '2026-10-02' })).json().transactions).toBe(2);
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'the re-enrichment');
    expect((await post(ctx, key, '/api/accounts/RE-2/reenrich', { only_uncategorized: true })).json().transactions).toBe(2);
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'the re-enrichment');

    const nothing = (await post(ctx, key, '/api/accounts/RE-2/reenrich', { start_date: '2027-01-01' })).json();
    expect(nothing.transactions).toBe(0);
    expect(await get(ctx, key, nothing.status_url)).toMatchObject({ status: 'completed', counts: { total: 0 } });

    await waitFor(async () => (await ctx!.sql.query(`SELECT 1 FROM webhook_events WHERE type = 'reenrichment.completed'`)).rowCount === 3, 10_000, 'three events');
    const { rows } = await ctx.sql.query(`SELECT data FROM webhook_events WHERE type = 'reenrichment.completed' ORDER BY created_at`);
    expect(rows.map((r) => [r.data.status, r.data.counts.total])).toEqual([
      ['completed', 2],
      ['completed', 2],
      ['completed', 0],
    ]);
    expect(rows[2].data.reenrichment_id).toBe(nothing.reenrichment_id);
  });

  it('when a row is locked by another transaction as the re-enrichment claims, then its job tries again and the re-enrichment completes without the scheduler', async () => {
    ctx = await createTestContext({ ENRICHMENT_LATENCY_MS: '0' });
    const key = await ctx.key(['ingest', 'reports']);
    const transactions = Array.from({ length: 5 }, (_, i) => line(`L-${i + 1}`, `2026-10-0${i + 1}`, `POS Purchase Dolci Cafe  * 0${i + 1} Oct`));
    const batchId = await ingestBatch(ctx, key, { account: { account_id: 'RE-LOCK', currency: 'ZAR' }, transactions });
    ctx.container.worker.start();
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'first enrichment');
    await ctx.container.worker.stop();

    const { status_url } = (await post(ctx, key, '/api/accounts/RE-LOCK/reenrich', {})).json();
    const context = ctx;
    // Another request holds one row, as a correction or a concurrent post of the same id does.
    await whileRowLocked(context, batchId, async () => {
      context.container.worker.start();
      await waitFor(async () => (await get(context, key, status_url)).counts.completed === 4, 10_000, 'the unlocked rows');
      await sleep(500);
      expect((await get(context, key, status_url)).counts).toMatchObject({ pending: 1, completed: 4 });
    });
    await waitFor(async () => (await get(context, key, status_url)).status === 'completed', 10_000, 'the re-enrichment to complete');
    expect((await get(ctx, key, status_url)).counts).toMatchObject({ total: 5, pending: 0, processing: 0, completed: 5, failed: 0 });
  });

  it('when the rows of a finished re-enrichment are re-enriched again, corrected and removed, then it still reports what it did, to an ingest or a reports key', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const batchId = await ingestBatch(ctx, key, {
      account: { account_id: 'RE-4', currency: 'ZAR' },
      transactions: [line('K-1', '2026-09-01', 'Dolci Cafe'), line('K-2', '2026-10-01', 'Dolci Cafe'), line('K-3', '2026-10-02', 'Zwartkop Farm Stall')],
    });
    ctx.container.worker.start();
    await waitFor(async () => (await get(ctx!, key, `/api/batches/${batchId}`)).status === 'completed', 20_000, 'first enrichment');

    // The body is optional: a JSON type with nothing after it is no body.
    const first = (await ctx.app.inject({ method: 'POST', url: '/api/accounts/RE-4/reenrich', headers: { ...bearer(key), ...json }, payload: '' })).json();
    expect(first.transactions).toBe(3);
    await waitFor(async () => (await get(ctx!, key, first.status_url)).status === 'completed', 20_000, 'the first re-enrichment');
    const firstDone = await get(ctx, key, first.status_url);
    const second = (await post(ctx, key, '/api/accounts/RE-4/reenrich', { start_date: '2026-10-01' })).json();
    expect(second.transactions).toBe(2);
    await waitFor(async () => (await get(ctx!, key, second.status_url)).status === 'completed', 20_000, 'the second re-enrichment');
    expect((await post(ctx, key, '/api/accounts/RE-4/transactions/K-2', { category: 'TRAVEL' }, 'PATCH')).statusCode).toBe(200);
    expect((await post(ctx, key, '/api/integrations/transactions/remove', { account_id: 'RE-4', transaction_ids: ['K-3'] })).statusCode).toBe(200);

    expect(await get(ctx, key, first.status_url)).toEqual(firstDone);
    expect(await get(ctx, await ctx.key(['reports']), first.status_url)).toEqual(firstDone);
    expect(firstDone).toMatchObject({ status: 'completed', counts: { total: 3, pending: 0, processing: 0, completed: 3, failed: 0 } });
    expect(await get(ctx, key, second.status_url)).toMatchObject({ status: 'completed', counts: { total: 2, pending: 0, processing: 0, completed: 2, failed: 0 } });
  });

  it('when a correction and a removal finish its last rows before any worker does, then it is completed when the last of them left, not when it started', async () => {
    const key = await enrichedOnce('left-bank', 'LEFT-1', [line('LF-1', '2026-10-01', 'POS Purchase Dolci Cafe'), line('LF-2', '2026-10-02', 'POS Purchase Dolci Cafe')]);
    const accepted = (await post(ctx!, key, '/api/accounts/LEFT-1/reenrich', {})).json();
    expect(accepted.transactions).toBe(2);
    await sleep(50);
    expect((await post(ctx!, key, '/api/integrations/transactions/remove', { account_id: 'LEFT-1', transaction_ids: ['LF-2'] })).statusCode).toBe(200);
    const { removed_at: removedAt } = await get(ctx!, key, '/api/accounts/LEFT-1/transactions/LF-2');
    await sleep(50);
    expect((await post(ctx!, key, '/api/accounts/LEFT-1/transactions/LF-1', { category: 'TRAVEL' }, 'PATCH')).statusCode).toBe(200);
    const feed = await get(ctx!, key, '/api/changes?limit=1000');
    const corrected = feed.changes.find((c: { type: string; transaction_id: string }) => c.type === 'transaction.corrected' && c.transaction_id === 'LF-1');
    // Nothing is left to claim: the scheduler's sweep stamps it, and it keeps what it finished with.
    const live = await get(ctx!, key, accepted.status_url);
    await ctx!.container.maintenance.sweep();
    const done = await get(ctx!, key, accepted.status_url);
    expect(done).toMatchObject({ status: 'completed', counts: { total: 1, completed: 1, pending: 0, processing: 0, failed: 0 } });
    expect(live).toEqual(done);
    // The correction's transaction began after the removal and before its change was recorded.
    expect(Date.parse(done.completed_at)).toBeGreaterThan(Date.parse(removedAt));
    expect(Date.parse(done.completed_at)).toBeLessThanOrEqual(Date.parse(corrected.occurred_at));
  });

  it('when a finished batch\'s transactions are re-enriched, then the batch keeps the completed_at its batch.completed announced', async () => {
    const key = await enrichedOnce('kept-bank', 'KEPT-1', [line('K-1', '2026-10-01', 'POS Purchase Dolci Cafe')]);
    // The scheduler's sweep announces what a worker did not.
    await ctx!.container.maintenance.sweep();
    const [batch] = (await get(ctx!, key, '/api/batches')).batches;
    expect(batch).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    const { rows } = await ctx!.sql.query(`SELECT to_char(announced_completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM batches WHERE id = $1`, [batch.batch_id]);
    expect(rows[0].at).toBe(batch.completed_at);
    await sleep(50);
    const { status_url } = (await post(ctx!, key, '/api/accounts/KEPT-1/reenrich', {})).json();
    ctx!.container.worker.start();
    await waitFor(async () => (await get(ctx!, key, status_url)).status === 'completed', 20_000, 'the re-enrichment');
    const row = await get(ctx!, key, '/api/accounts/KEPT-1/transactions/K-1');
    expect(row.attempts).toBe(1);
    expect(await get(ctx!, key, `/api/batches/${batch.batch_id}`)).toEqual(batch);
  });

  it('when the request is wrong, then it is refused and nothing is sent back', async () => {
    ctx = await createTestContext();
    const key = await ctx.key(['ingest', 'reports']);
    const reportsOnly = await ctx.key(['reports']);
    await ingestBatch(ctx, key, { account: { account_id: 'RE-3', currency: 'ZAR' }, transactions: [line('W-1', '2026-10-01', 'Dolci Cafe')] });

    const badDate = await post(ctx, key, '/api/accounts/RE-3/reenrich', { start_date: '2026-02-30', only_uncategorized: 'yes', extra: 1 });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().code).toBe('validation_error');
    expect(badDate.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/extra', '/only_uncategorized', '/start_date']);
    for (const notAnObject of [null, [], 'all']) {
      const refused = await post(ctx, key, '/api/accounts/RE-3/reenrich', notAnObject);
      expect([refused.statusCode, refused.json().code, refused.json().errors]).toEqual([400, 'validation_error', [{ pointer: '', message: 'must be an object' }]]);
    }
    expect((await post(ctx, key, '/api/accounts/NOPE/reenrich', {})).statusCode).toBe(404);
    expect((await post(ctx, reportsOnly, '/api/accounts/RE-3/reenrich', {})).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/reenrichments/not-a-uuid', headers: bearer(key) })).json().code).toBe('invalid_parameter');
    expect((await ctx.app.inject({ url: '/api/reenrichments/00000000-0000-4000-8000-000000000000', headers: bearer(key) })).statusCode).toBe(404);
    const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM reenrichments');
    expect(rows[0].n).toBe(0);
  });

  it('when an operator runs lucro reenrich for an integration, then its accounts are re-enriched with a progress bar and it exits 0', async () => {
    await enrichedOnce('ops-bank', 'OPS-1', [line('O-1', '2026-10-01', 'POS Purchase Dolci Cafe'), line('O-2', '2026-11-01', 'POS Purchase Dolci Cafe')]);
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [LUCRO, 'reenrich', '--integration', 'ops-bank', '--since', '2026-10-15'], {
      env: cliEnv({ ENRICHMENT_LATENCY_MS: '0' }),
    });
    expect(stdout).toMatch(/^OPS-1\t[0-9a-f-]{36}\t1 transaction$/m);
    expect(stderr).toMatch(/^Re-enriched 1 transaction \(0 failed\) in /m);
    expect(stderr).toContain('1/1 done (completed 1, processing 0, pending 0, failed 0)');
    const { rows } = await ctx!.sql.query(`SELECT transaction_id, attempts, reenrichment_id IS NOT NULL AS reenriched FROM transactions ORDER BY transaction_id`);
    expect(rows).toEqual([
      { transaction_id: 'O-1', attempts: 1, reenriched: false },
      { transaction_id: 'O-2', attempts: 1, reenriched: true },
    ]);
  });

  it('when transactions of lucro reenrich fail, then it says how many and exits 1, so a script can tell a partial run', async () => {
    const key = await enrichedOnce('ops-fail', 'OPS-FAIL', [line('F-1', '2026-10-01', 'POS Purchase Dolci Cafe')]);
    // A categorizer slower than the lease it works under, and no second attempt: the transaction fails.
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [LUCRO, 'reenrich', '--integration', 'ops-fail'],
        { env: cliEnv({ ENRICHMENT_LATENCY_MS: '4000', PROCESSING_LEASE_MS: '1500', SCHEDULER_INTERVAL_MS: '200', MAX_ATTEMPTS: '1' }) },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      );
    });
    expect(run.stderr).toMatch(/^Re-enriched 0 transactions \(1 failed\) in /m);
    expect(run.code).toBe(1);
    expect((await get(ctx!, key, '/api/accounts/OPS-FAIL/transactions/F-1')).status).toBe('failed');
  });

  it('when an operator stops lucro reenrich with Ctrl-C while workers have it, then it says the re-enrichment goes on and where to follow it, and exits 130', async () => {
    await enrichedOnce('ops-stop', 'OPS-STOP', [line('S-1', '2026-10-01', 'POS Purchase Dolci Cafe')]);
    // A queue no worker consumes: the re-enrichment stays pending for as long as the test needs.
    const child = spawn(process.execPath, [LUCRO, 'reenrich', '--integration', 'ops-stop'], {
      env: cliEnv({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}` }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(async () => /^OPS-STOP\t[0-9a-f-]{36}\t/m.test(stdout) && stderr.includes('re-enrichment'), 20_000, 'the re-enrichment to start');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Stopped following. The workers go on with it; follow each at /api/reenrichments/ID (ids above)');
    const { rows } = await ctx!.sql.query(`SELECT count(*)::int AS n FROM reenrichments WHERE completed_at IS NULL`);
    expect(rows[0].n).toBe(1);
  });
});
