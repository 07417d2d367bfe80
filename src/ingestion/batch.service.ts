import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { isTransactionId } from '../domain/identifiers.js';
import { decodeCursor, encodeCursor, invalid, parseEnumParam, parseLimitParam, unknownCursor } from '../domain/query-params.js';
import { batchBelongsTo, findBatchWithCounts, listBatches, listBatchTransactions, type BatchListPosition, type BatchRow } from './batch.repository.js';
import { BatchStatus, type BatchListPage, type BatchListQuery, type BatchTransactionsPage, type BatchView } from './batch.schemas.js';
import { toTransactionView } from '../transactions/transaction.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Cursors hold the last transaction's own transaction_id, or the last batch's created_at (microseconds)
// and id: at most 16 digits (until the year 2286), since a longer one made by hand overflows the
// database's interval. Not a transaction's row id: one sequence for every integration, it would tell a
// client how many transactions the others send. Cursors of that form, handed out before, still page on.
const TRANSACTIONS_CURSOR = 'batch-transactions';
const BATCHES_CURSOR = 'batches';
const isRowPosition = (value: unknown): value is string | number => (typeof value === 'string' && isTransactionId(value)) || (Number.isSafeInteger(value) && (value as number) >= 0);
const isBatchPosition = (value: unknown): value is BatchListPosition =>
  typeof value === 'object' && value !== null && /^\d{1,16}$/.test(String((value as BatchListPosition).createdAtMicros)) && UUID.test(String((value as BatchListPosition).id));

export class BatchService {
  constructor(private readonly pool: pg.Pool) {}

  async getBatch(integrationId: number, batchId: string): Promise<BatchView> {
    requireBatchId(batchId);
    const row = await findBatchWithCounts(this.pool, integrationId, batchId.toLowerCase());
    if (!row) throw new AppError('not_found', `No batch ${batchId}.`);
    return toView(row);
  }

  async listTransactions(integrationId: number, batchId: string, query: { limit?: string; cursor?: string }): Promise<BatchTransactionsPage> {
    requireBatchId(batchId);
    const limit = parseLimitParam(query.limit);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, TRANSACTIONS_CURSOR, isRowPosition);
    const id = batchId.toLowerCase();
    if (!(await batchBelongsTo(this.pool, integrationId, id))) throw new AppError('not_found', `No batch ${batchId}.`);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listBatchTransactions(this.pool, id, after, limit + 1);
    if (!rows) throw unknownCursor();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      transactions: page.map(toTransactionView),
      next_cursor: rows.length > limit && last ? encodeCursor(TRANSACTIONS_CURSOR, last.transaction_id) : null,
    };
  }

  /** The integration's batches, newest first, each as getBatch shows it (contract §15). */
  async listBatches(integrationId: number, query: BatchListQuery): Promise<BatchListPage> {
    const limit = parseLimitParam(query.limit);
    const status = parseEnumParam(query.status, 'status', BatchStatus.enum);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, BATCHES_CURSOR, isBatchPosition);
    const rows = await listBatches(this.pool, integrationId, { status: status ?? null, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      batches: page.map(toView),
      next_cursor: rows.length > limit && last ? encodeCursor(BATCHES_CURSOR, { createdAtMicros: last.createdAtMicros, id: last.id }) : null,
    };
  }
}


function requireBatchId(batchId: string): void {
  if (!UUID.test(batchId)) throw invalid('batch_id', 'must be a UUID');
}

/** A batch's status follows from its rows' statuses (contract §5). */
export function batchStatus(counts: { pending: number; processing: number; failed: number; total: number; retrying?: number }): BatchView['status'] {
  // Pending is "nothing started" (§5): rows back in pending after a tried attempt (a lease that ran out) are work under way.
  if (counts.pending + counts.processing > 0) return counts.pending === counts.total && !counts.retrying ? 'pending' : 'processing';
  return counts.failed > 0 ? 'completed_with_errors' : 'completed';
}

function toView(row: BatchRow): BatchView {
  const total = row.pending + row.processing + row.completed + row.failed;
  const counts = { total, pending: row.pending, processing: row.processing, completed: row.completed, failed: row.failed };
  const status = batchStatus({ ...counts, retrying: row.retrying });
  const done = status === 'completed' || status === 'completed_with_errors';
  return {
    batch_id: row.id,
    account_id: row.accountExternalId,
    status,
    created_at: row.createdAt.toISOString(),
    // A batch is done when its last transaction is; one of only duplicates was done on arrival. Once
    // announced, it is what its batch.completed event said, whatever happens to its rows later: one
    // re-enriched or unlocked finishes again later, one modified moves to another batch.
    completed_at: done ? (row.announcedCompletedAt ?? row.lastFinishedAt ?? row.createdAt).toISOString() : null,
    counts,
  };
}
