import type { Queryable } from '../infra/db.js';
import { TRANSACTION_COLUMNS, type TransactionRow } from '../transactions/transaction.repository.js';

export interface BatchRow {
  id: string;
  accountExternalId: string;
  createdAt: Date;
  /** When the batch's last transaction finished (null while any is unfinished or none exist). */
  lastFinishedAt: Date | null;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
}

/** The integration's batch with its transactions counted by status; another integration's batch is not found. */
export async function findBatchWithCounts(db: Queryable, integrationId: number, batchId: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `SELECT b.id, a.external_id AS "accountExternalId", b.created_at AS "createdAt", c.last_finished_at AS "lastFinishedAt",
            c.pending, c.processing, c.completed, c.failed
       FROM batches b
       JOIN accounts a ON a.id = b.account_id
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE t.status = 'pending')::int    AS pending,
                count(*) FILTER (WHERE t.status = 'processing')::int AS processing,
                count(*) FILTER (WHERE t.status = 'completed')::int  AS completed,
                count(*) FILTER (WHERE t.status = 'failed')::int     AS failed,
                -- A transaction modified into this batch may have finished before the batch existed.
                greatest(max(t.completed_at), b.created_at)          AS last_finished_at
           -- Removed transactions count nowhere (contract §10).
           FROM transactions t WHERE t.batch_id = b.id AND t.removed_at IS NULL
       ) c
      WHERE b.id = $1 AND b.integration_id = $2`,
    [batchId, integrationId],
  );
  return rows[0];
}

export async function batchBelongsTo(db: Queryable, integrationId: number, batchId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM batches WHERE id = $1 AND integration_id = $2', [batchId, integrationId]);
  return rowCount === 1;
}

/** One page of a batch's transactions in insertion order, after the row id `afterId`. */
export async function listBatchTransactions(db: Queryable, batchId: string, afterId: number, limit: number): Promise<TransactionRow[]> {
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
