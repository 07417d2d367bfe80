import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { asUnavailable } from '../infra/db.js';
import { batchBelongsTo, findBatchWithCounts, listBatchTransactions, type BatchRow } from './batch.repository.js';
import type { BatchTransactionsPage, BatchView } from './batch.schemas.js';
import { toTransactionView } from '../transactions/transaction.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

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
    const afterId = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const id = batchId.toLowerCase();
    if (!(await batchBelongsTo(this.pool, integrationId, id).catch(rethrowUnavailable))) throw new AppError('not_found', `No batch ${batchId}.`);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listBatchTransactions(this.pool, id, afterId, limit + 1).catch(rethrowUnavailable);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      transactions: page.map(toTransactionView),
      next_cursor: rows.length > limit && last ? encodeCursor(last.pk) : null,
    };
  }
}

function rethrowUnavailable(error: unknown): never {
  throw asUnavailable(error);
}

function requireBatchId(batchId: string): void {
  if (!UUID.test(batchId)) throw new AppError('invalid_parameter', 'batch_id must be a UUID.', { errors: [{ pointer: '/batch_id', message: 'must be a UUID' }] });
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
    throw new AppError('invalid_parameter', `limit must be a whole number from 1 to ${MAX_PAGE}.`, { errors: [{ pointer: '/limit', message: `must be 1–${MAX_PAGE}` }] });
  }
  return Number(raw);
}

// Cursors are opaque to clients; inside they are the last row id seen.
function encodeCursor(id: number): string {
  return Buffer.from(`t:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^t:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError('invalid_parameter', 'cursor is not one this API returned.', { errors: [{ pointer: '/cursor', message: 'is not a valid cursor' }] });
  return Number(match[1]);
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
