import { Type, type Static } from 'typebox';
import { documentedRule } from '../http/documented.js';
import { named, PageLimit } from '../http/schemas.js';
import { TransactionView } from '../transactions/transaction.schemas.js';

export const BatchParams = Type.Object({ batch_id: Type.String({ description: 'The batch id (UUID) returned by ingestion' }) });

export const BatchStatus = Type.Enum(['pending', 'processing', 'completed', 'completed_with_errors'], { type: 'string' });

/** How many of a batch's (or a re-enrichment's) transactions are in each enrichment status. */
export const EnrichmentCounts = Type.Object({
  total: Type.Integer(),
  pending: Type.Integer(),
  processing: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
});

export const BatchView = named('Batch', Type.Object({
  batch_id: Type.String({ format: 'uuid' }),
  account_id: Type.String(),
  status: BatchStatus,
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  counts: EnrichmentCounts,
}, {
  examples: [
    {
      batch_id: '0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d',
      account_id: 'ACC-001',
      status: 'processing',
      created_at: '2026-11-27T10:00:00.000Z',
      completed_at: null,
      counts: { total: 15, pending: 3, processing: 2, completed: 10, failed: 0 },
    },
  ],
}));
export type BatchView = Static<typeof BatchView>;

export const BatchListQuery = Type.Object({
  // Checked by the service, which names the values in its answer.
  status: Type.Optional(
    documentedRule(Type.String({ description: 'Only batches with this status: pending, processing, completed or completed_with_errors' }), {
      enum: BatchStatus.enum,
    }),
  ),
  limit: Type.Optional(PageLimit),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});
export type BatchListQuery = Static<typeof BatchListQuery>;

export const BatchListPage = Type.Object({
  batches: Type.Array(BatchView, { description: 'Newest first' }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type BatchListPage = Static<typeof BatchListPage>;

export const BatchTransactionsQuery = Type.Object({
  limit: Type.Optional(PageLimit),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});

export const BatchTransactionsPage = Type.Object({
  transactions: Type.Array(TransactionView),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type BatchTransactionsPage = Static<typeof BatchTransactionsPage>;
