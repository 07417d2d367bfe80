import { Type, type Static } from 'typebox';
import { named, PageLimit } from '../http/schemas.js';
import { TransactionView } from '../transactions/transaction.schemas.js';

export const ChangeType = Type.Enum(['transaction.added', 'transaction.modified', 'transaction.enriched', 'transaction.corrected', 'transaction.removed'], { type: 'string' });

export const ChangeView = named('Change', Type.Object({
  cursor: Type.String({ description: 'Position of this change; reading from it returns the changes after it' }),
  type: ChangeType,
  account_id: Type.String(),
  transaction_id: Type.String(),
  occurred_at: Type.String({ format: 'date-time' }),
  transaction: TransactionView,
}));
export type ChangeView = Static<typeof ChangeView>;

export const ChangesPage = Type.Object({
  changes: Type.Array(ChangeView),
  next_cursor: Type.String({ description: 'Pass it as cursor to read on; it stays usable when there is nothing new yet' }),
  has_more: Type.Boolean(),
});
export type ChangesPage = Static<typeof ChangesPage>;

export const ChangesQuery = Type.Object({
  cursor: Type.Optional(Type.String({ description: 'next_cursor (or a change cursor) from an earlier page; absent starts at the first change kept' })),
  limit: Type.Optional(PageLimit),
});
export type ChangesQuery = Static<typeof ChangesQuery>;
