import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPending } from '../src/enrichment/enrichment.repository.js';
import { batchBody, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';

/** Faults of the enrichment engine that only show under slow or unlucky timing (issue 10). */
let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** Makes a batch and its rows look as if they had waited a minute. */
async function age(context: TestContext, batchId: string): Promise<void> {
  await context.sql.query(`UPDATE batches SET created_at = now() - interval '1 minute' WHERE id = $1`, [batchId]);
  await context.sql.query(`UPDATE transactions SET updated_at = now() - interval '1 minute' WHERE batch_id = $1`, [batchId]);
}

describe('scheduler re-dispatch', () => {
  it('when a long batch is being worked, then the sweep queues no new job for it, but it does for a batch nothing works on', async () => {
    ctx = await createTestContext({ REDISPATCH_AFTER_MS: '1000' });
    const key = await ctx.key(['ingest']);
    const busy = await ingestBatch(ctx, key, batchBody(10, { accountId: 'SWEEP-BUSY' }));
    const idle = await ingestBatch(ctx, key, batchBody(10, { accountId: 'SWEEP-IDLE' }));
    await age(ctx, busy);
    await age(ctx, idle);
    // A worker is at work on the busy batch: it has just claimed some of its rows.
    expect(await claimPending(ctx.sql, busy, 2, 60_000, randomUUID())).toHaveLength(2);

    const queued = await ctx.container.queue.depth();
    const report = await ctx.container.maintenance.sweep();
    expect(report.redispatched).toBe(1);
    expect(await ctx.container.queue.depth()).toBe(queued + 1);
  });
});
