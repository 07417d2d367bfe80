import { Type, type Static } from 'typebox';
import { TransactionView } from '../transactions/transaction.schemas.js';

export const BatchParams = Type.Object({ batch_id: Type.String({ description: 'The batch id (UUID) returned by ingestion' }) });

export const BatchStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('processing'),
  Type.Literal('completed'),
  Type.Literal('completed_with_errors'),
]);

export const BatchView = Type.Object({
  batch_id: Type.String({ format: 'uuid' }),
  account_id: Type.String(),
  status: BatchStatus,
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  counts: Type.Object({
    total: Type.Integer(),
    pending: Type.Integer(),
    processing: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
  }),
});
export type BatchView = Static<typeof BatchView>;

export const BatchTransactionsQuery = Type.Object({
  limit: Type.Optional(Type.String({ description: '1–1000, default 100' })),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});

export const BatchTransactionsPage = Type.Object({
  transactions: Type.Array(TransactionView),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type BatchTransactionsPage = Static<typeof BatchTransactionsPage>;
