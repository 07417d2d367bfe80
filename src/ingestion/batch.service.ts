import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { decodeCursor, pageOf, parseLimit } from '../domain/paging.js';
import { asUnavailable } from '../infra/db.js';
import { batchBelongsTo, findBatchWithCounts, listBatches, listBatchTransactions, type BatchRow } from './batch.repository.js';
import type { BatchListPage, BatchListQuery, BatchTransactionsPage, BatchView } from './batch.schemas.js';

// Inside a transactions cursor: the last row id seen.
const TRANSACTION_CURSOR = /^t:(\d{1,15})$/;
// Inside a batch list cursor: the last batch's created_at in microseconds and its id.
const BATCH_CURSOR = /^b:(\d{1,19}):([0-9a-f-]{36})$/;
const BATCH_STATUSES: ReadonlySet<string> = new Set(['pending', 'processing', 'completed', 'completed_with_errors']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class BatchService {
  constructor(private readonly pool: pg.Pool) {}

  async getBatch(integrationId: number, batchId: string): Promise<BatchView> {
    requireBatchId(batchId);
    const row = await findBatchWithCounts(this.pool, integrationId, batchId.toLowerCase()).catch(rethrowUnavailable);
    if (!row) throw new AppError('not_found', `No batch ${batchId}.`);
    return toView(row);
  }

  async listTransactions(integrationId: number, batchId: string, query: { limit?: string; cursor?: string }): Promise<BatchTransactionsPage> {
    requireBatchId(batchId);
    const limit = parseLimit(query.limit);
    const afterId = query.cursor === undefined ? 0 : Number(decodeCursor(query.cursor, TRANSACTION_CURSOR)[0]);
    const id = batchId.toLowerCase();
    if (!(await batchBelongsTo(this.pool, integrationId, id).catch(rethrowUnavailable))) throw new AppError('not_found', `No batch ${batchId}.`);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listBatchTransactions(this.pool, id, afterId, limit + 1).catch(rethrowUnavailable);
    const page = pageOf(rows, limit, (last) => `t:${last.id}`);
    return {
      transactions: page.items.map(({ id: _id, status, ...rest }) => ({ ...rest, status: status as BatchTransactionsPage['transactions'][number]['status'] })),
      next_cursor: page.nextCursor,
    };
  }

  /** The integration's batches, newest first, each as getBatch shows it (contract §15). */
  async listBatches(integrationId: number, query: BatchListQuery): Promise<BatchListPage> {
    const limit = parseLimit(query.limit);
    if (query.status !== undefined && !BATCH_STATUSES.has(query.status)) {
      throw new AppError('invalid_parameter', `status must be one of ${[...BATCH_STATUSES].join(', ')}.`, {
        errors: [{ pointer: '/status', message: `must be one of ${[...BATCH_STATUSES].join(', ')}` }],
      });
    }
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, BATCH_CURSOR);
    const rows = await listBatches(this.pool, integrationId, {
      status: query.status ?? null,
      after: after && { createdAtMicros: after[0] ?? '', id: after[1] ?? '' },
      limit: limit + 1,
    }).catch(rethrowUnavailable);
    const page = pageOf(rows, limit, (last) => `b:${last.createdAtMicros}:${last.id}`);
    return { batches: page.items.map(toView), next_cursor: page.nextCursor };
  }
}

function rethrowUnavailable(error: unknown): never {
  throw asUnavailable(error);
}

function requireBatchId(batchId: string): void {
  if (!UUID.test(batchId)) throw new AppError('invalid_parameter', 'batch_id must be a UUID.', { errors: [{ pointer: '/batch_id', message: 'must be a UUID' }] });
}

/** A batch's status follows from its rows' statuses (contract §5). */
export function batchStatus(counts: { pending: number; processing: number; failed: number; total: number }): BatchView['status'] {
  if (counts.pending + counts.processing > 0) return counts.pending === counts.total ? 'pending' : 'processing';
  return counts.failed > 0 ? 'completed_with_errors' : 'completed';
}

function toView(row: BatchRow): BatchView {
  const total = row.pending + row.processing + row.completed + row.failed;
  const counts = { total, pending: row.pending, processing: row.processing, completed: row.completed, failed: row.failed };
  const status = batchStatus(counts);
  const done = status === 'completed' || status === 'completed_with_errors';
  return {
    batch_id: row.id,
    account_id: row.accountExternalId,
    status,
    created_at: row.createdAt.toISOString(),
    // A batch is done when its last transaction is; one of only duplicates was done on arrival.
    completed_at: done ? (row.lastFinishedAt ?? row.createdAt).toISOString() : null,
    counts,
  };
}
