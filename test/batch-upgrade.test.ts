import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchService } from '../src/ingestion/batch.service.js';
import { migrate } from '../src/infra/migrate.js';
import { databaseMigratedUpTo } from './helpers/upgrade.js';

/** The last migration before batches kept the completed_at their batch.completed event announced. */
const BEFORE = '026_sealed_cursors.sql';
let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ pool, drop } = await databaseMigratedUpTo(`lucro_test_batch_upgrade_${process.pid}`, BEFORE));
});
afterAll(async () => {
  await drop?.();
});

/** A batch of one completed transaction, finished at `finishedAt`, stamped complete and, with `announced`, announced. */
async function completedBatch(integrationId: number, accountId: number, name: string, finishedAt: string, announced: boolean): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates, created_at, completed_at, announced_at)
     VALUES (gen_random_uuid(), $1, $2, 1, 1, 0, '2026-11-01T10:00:00Z', $3, CASE WHEN $4 THEN $3::timestamptz END) RETURNING id`,
    [integrationId, accountId, finishedAt, announced],
  );
  const id = rows[0]?.id as string;
  await pool.query(
    `INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, raw, status, completed_at, pending)
     VALUES ($1, $2, $3, '2026-11-01', -5, 'USD', '{}', 'completed', $4, true)`,
    [accountId, id, name, finishedAt],
  );
  return id;
}

describe('batches across migration 027 (the completed_at an announcement carried)', () => {
  it('when a system with announced batches is upgraded, or the previous version announces one after it, then no batch reads a completed_at earlier than announced once its transaction moves away', async () => {
    const { rows: integrations } = await pool.query<{ id: number }>(`INSERT INTO integrations (name) VALUES ('upgraded') RETURNING id`);
    const integrationId = integrations[0]?.id as number;
    const { rows: accounts } = await pool.query<{ id: number }>(`INSERT INTO accounts (integration_id, external_id, currency) VALUES ($1, 'ACC', 'USD') RETURNING id`, [integrationId]);
    const accountId = accounts[0]?.id as number;
    // One announced with an event, whose completed_at a subscriber holds; one announced to no subscriber.
    const withEvent = await completedBatch(integrationId, accountId, 'E-1', '2026-11-01T10:00:05Z', true);
    await pool.query(
      `INSERT INTO webhook_events (integration_id, type, data) VALUES ($1, 'batch.completed', json_build_object('batch_id', $2::text, 'completed_at', '2026-11-01T10:00:05.000Z'))`,
      [integrationId, withEvent],
    );
    // Its transaction already moved away before the upgrade: only the event still knows when it completed.
    const { rows: early } = await pool.query<{ id: string }>(
      `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates) VALUES (gen_random_uuid(), $1, $2, 1, 1, 0) RETURNING id`,
      [integrationId, accountId],
    );
    await pool.query(`UPDATE transactions SET batch_id = $1 WHERE transaction_id = 'E-1'`, [early[0]?.id]);
    const withoutEvent = await completedBatch(integrationId, accountId, 'N-1', '2026-11-01T10:00:07Z', true);
    const later = await completedBatch(integrationId, accountId, 'L-1', '2026-11-01T10:00:09Z', false);

    expect(await migrate(pool)).toContain('027_batch_completion_announced.sql');
    // The previous version, still running during a rolling upgrade, announces a batch as it always did.
    await pool.query('UPDATE batches SET announced_at = completed_at WHERE id = $1 AND announced_at IS NULL', [later]);

    const batches = new BatchService(pool);
    const before = await Promise.all([withEvent, withoutEvent, later].map((id) => batches.getBatch(integrationId, id)));
    expect(before.map((b) => b.completed_at)).toEqual(['2026-11-01T10:00:05.000Z', '2026-11-01T10:00:07.000Z', '2026-11-01T10:00:09.000Z']);
    // Each transaction is modified later and moves to the batch that carried the change.
    const { rows: moved } = await pool.query<{ id: string }>(
      `INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates) VALUES (gen_random_uuid(), $1, $2, 3, 3, 0) RETURNING id`,
      [integrationId, accountId],
    );
    await pool.query('UPDATE transactions SET batch_id = $1 WHERE account_id = $2', [moved[0]?.id, accountId]);
    const after = await Promise.all([withEvent, withoutEvent, later].map((id) => batches.getBatch(integrationId, id)));
    expect(after.map((b) => [b.completed_at, b.counts.total])).toEqual(before.map((b) => [b.completed_at, 0]));
    // Without it, the first would read its created_at, as it did before the upgrade.
    expect(after[0]?.created_at).toBe('2026-11-01T10:00:00.000Z');
  });
});
