import type { Queryable } from '../infra/db.js';
import { TRANSACTION_COLUMNS, type TransactionRow } from '../transactions/transaction.repository.js';

export interface BatchRow {
  id: string;
  accountExternalId: string;
  createdAt: Date;
  /** When the batch's last transaction finished (null while any is unfinished or none exist). */
  lastFinishedAt: Date | null;
  /** The completed_at its `batch.completed` event announced, if it was announced (migration 027): GET answers it from then on. */
  announcedCompletedAt: Date | null;
  pending: number;
  /** Of the pending, those already tried (a lease ran out, an attempt failed): the batch has started. */
  retrying: number;
  processing: number;
  completed: number;
  failed: number;
}

// Batches (b) with their account (a) and their transactions counted by status (c), for a BatchRow.
const BATCHES_WITH_COUNTS = `FROM batches b
       JOIN accounts a ON a.id = b.account_id
       CROSS JOIN LATERAL (
         -- Removed transactions count nowhere (contract §10)...
         SELECT count(*) FILTER (WHERE t.status = 'pending' AND t.removed_at IS NULL)::int    AS pending,
                count(*) FILTER (WHERE t.status = 'pending' AND t.attempts > 0 AND t.removed_at IS NULL)::int AS retrying,
                count(*) FILTER (WHERE t.status = 'processing' AND t.removed_at IS NULL)::int AS processing,
                count(*) FILTER (WHERE t.status = 'completed' AND t.removed_at IS NULL)::int  AS completed,
                count(*) FILTER (WHERE t.status = 'failed' AND t.removed_at IS NULL)::int     AS failed,
                -- ...but one removed after it finished did finish with the batch: removing it later
                -- does not move the batch's completed_at back; one removed before it finished stopped
                -- being work then. A transaction modified into this batch may have finished before
                -- the batch existed.
                greatest(max(coalesce(t.completed_at, t.removed_at)), b.created_at)           AS last_finished_at
           FROM transactions t WHERE t.batch_id = b.id
       ) c`;

/** The integration's batch with its transactions counted by status; another integration's batch is not found. */
export async function findBatchWithCounts(db: Queryable, integrationId: number, batchId: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `SELECT b.id, a.external_id AS "accountExternalId", b.created_at AS "createdAt", c.last_finished_at AS "lastFinishedAt", b.announced_completed_at AS "announcedCompletedAt",
            c.pending, c.retrying, c.processing, c.completed, c.failed
       ${BATCHES_WITH_COUNTS}
      WHERE b.id = $1 AND b.integration_id = $2`,
    [batchId, integrationId],
  );
  return rows[0];
}

export async function batchBelongsTo(db: Queryable, integrationId: number, batchId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM batches WHERE id = $1 AND integration_id = $2', [batchId, integrationId]);
  return rowCount === 1;
}

/**
 * One page of the batch's transactions in the order they were stored, after the one whose
 * transaction_id is `after` (a number: its row id, as older cursors held; null: from the first),
 * found in the batch's account even if a modification has since moved it to a later batch.
 * Undefined when the account has no such transaction.
 */
export async function listBatchTransactions(db: Queryable, batchId: string, after: string | number | null, limit: number): Promise<TransactionRow[] | undefined> {
  let afterId = typeof after === 'number' ? after : 0;
  if (typeof after === 'string') {
    const start = await db.query<{ id: number }>(
      'SELECT t.id::int AS id FROM batches b JOIN transactions t ON t.account_id = b.account_id AND t.transaction_id = $2 WHERE b.id = $1',
      [batchId, after],
    );
    if (!start.rows[0]) return undefined;
    afterId = start.rows[0].id;
  }
  const { rows } = await db.query<TransactionRow>(
    `SELECT ${TRANSACTION_COLUMNS}
       FROM transactions t
      WHERE t.batch_id = $1 AND t.id > $2
      ORDER BY t.id
      LIMIT $3`,
    [batchId, afterId, limit],
  );
  return rows;
}

/** Where a page of the batch list resumes: after this batch in newest-first order. */
export interface BatchListPosition {
  /** created_at in microseconds since the epoch, as text: exact, unlike a JS Date. */
  createdAtMicros: string;
  id: string;
}

/**
 * One page of the integration's batches, newest first (ties by id), each with its counts, after
 * `after`, optionally only those whose status (contract §5) is `status`.
 */
export async function listBatches(
  db: Queryable,
  integrationId: number,
  options: { status: string | null; after: BatchListPosition | null; limit: number },
): Promise<Array<BatchRow & { createdAtMicros: string }>> {
  const { rows } = await db.query<BatchRow & { createdAtMicros: string }>(
    `SELECT b.id, a.external_id AS "accountExternalId", b.created_at AS "createdAt", c.last_finished_at AS "lastFinishedAt", b.announced_completed_at AS "announcedCompletedAt",
            c.pending, c.retrying, c.processing, c.completed, c.failed,
            (extract(epoch FROM b.created_at) * 1000000)::bigint::text AS "createdAtMicros"
       ${BATCHES_WITH_COUNTS}
      WHERE b.integration_id = $1
        AND ($2::bigint IS NULL OR (b.created_at, b.id) < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid))
        -- The status rule of batchStatus() in batch.service.ts, here only to filter before paging.
        AND ($4::text IS NULL OR $4 = CASE
              WHEN c.pending + c.processing > 0 THEN CASE WHEN c.processing = 0 AND c.completed + c.failed = 0 AND c.retrying = 0 THEN 'pending' ELSE 'processing' END
              WHEN c.failed > 0 THEN 'completed_with_errors'
              ELSE 'completed' END)
      ORDER BY b.created_at DESC, b.id DESC
      LIMIT $5`,
    [integrationId, options.after?.createdAtMicros ?? null, options.after?.id ?? null, options.status, options.limit],
  );
  return rows;
}
