import type { Queryable } from '../infra/db.js';
import type { TransactionView } from './transaction.schemas.js';

/** A transaction row as read for any view: `pk` is the internal id, never shown. */
export interface TransactionRow extends Omit<TransactionView, 'removed_at'> {
  pk: number;
  removed_at: Date | null;
}

/** The one column list every view of a transaction reads (alias `t`). */
export const TRANSACTION_COLUMNS = `t.id AS pk, t.transaction_id, t.batch_id, t.date, t.amount::text AS amount, t.currency::text AS currency,
  t.merchant_name, t.description, t.category, t.category_confidence, t.category_source, t.category_locked, t.categorizer_version,
  t.status, t.attempts, t.error, t.pending, t.pending_transaction_id, t.removed_at, t.replaced_by`;

/** An instant as JavaScript's toISOString writes it (UTC, milliseconds), read as text: no Date is parsed and formatted again per row. */
export const isoInstant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The view of a row, field by field in the contract's order (a row may carry other columns too). */
export function toTransactionView(row: TransactionRow): TransactionView {
  return {
    transaction_id: row.transaction_id,
    batch_id: row.batch_id,
    date: row.date,
    amount: row.amount,
    currency: row.currency,
    merchant_name: row.merchant_name,
    description: row.description,
    category: row.category,
    category_confidence: row.category_confidence,
    category_source: row.category_source,
    category_locked: row.category_locked,
    categorizer_version: row.categorizer_version,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    pending: row.pending,
    pending_transaction_id: row.pending_transaction_id,
    removed_at: row.removed_at === null ? null : row.removed_at.toISOString(),
    replaced_by: row.replaced_by,
  };
}

export interface AccountRef {
  id: number;
  currency: string;
}

export async function findAccount(db: Queryable, integrationId: number, externalId: string): Promise<AccountRef | undefined> {
  const { rows } = await db.query<AccountRef>('SELECT id, currency::text AS currency FROM accounts WHERE integration_id = $1 AND external_id = $2', [
    integrationId,
    externalId,
  ]);
  return rows[0];
}

export async function findAccountTransaction(db: Queryable, accountId: number, transactionId: string): Promise<TransactionRow | undefined> {
  const { rows } = await db.query<TransactionRow>(`SELECT ${TRANSACTION_COLUMNS} FROM transactions t WHERE t.account_id = $1 AND t.transaction_id = $2`, [
    accountId,
    transactionId,
  ]);
  return rows[0];
}

export interface AccountTransactionFilter {
  accountId: number;
  startDate: string | null;
  endDate: string | null;
  category: string | null;
  status: string | null;
  /** A LIKE pattern (already escaped, `%` around it) matched case-insensitively against merchant, description and id. */
  text: string | null;
  includeRemoved: boolean;
  /** The last row of the previous page: pages go newest date first, then by transaction id. */
  after: { date: string; transactionId: string } | null;
  limit: number;
}

/**
 * One page of an account's transactions, newest date first, then by transaction id in code-point
 * order whatever the database's collation; the index on (account_id, date DESC, transaction_id
 * COLLATE "C") serves it.
 */
export async function listAccountTransactions(db: Queryable, filter: AccountTransactionFilter): Promise<TransactionRow[]> {
  const { rows } = await db.query<TransactionRow>(
    `SELECT ${TRANSACTION_COLUMNS}
       FROM transactions t
      WHERE t.account_id = $1
        AND ($2::date IS NULL OR t.date >= $2::date)
        AND ($3::date IS NULL OR t.date <= $3::date)
        AND ($4::text IS NULL OR t.category = $4::text)
        AND ($5::text IS NULL OR t.status = $5::text)
        AND ($10::text IS NULL OR t.merchant_name ILIKE $10::text OR t.description ILIKE $10::text OR t.transaction_id ILIKE $10::text)
        AND ($6::boolean OR t.removed_at IS NULL)
        -- The first condition bounds the index range; the second skips the rows of that date already paged.
        AND ($7::date IS NULL OR t.date <= $7::date)
        AND ($7::date IS NULL OR t.date < $7::date OR t.transaction_id COLLATE "C" > $8::text)
      ORDER BY t.date DESC, t.transaction_id COLLATE "C"
      LIMIT $9`,
    [
      filter.accountId,
      filter.startDate,
      filter.endDate,
      filter.category,
      filter.status,
      filter.includeRemoved,
      filter.after?.date ?? null,
      filter.after?.transactionId ?? null,
      filter.limit,
      filter.text,
    ],
  );
  return rows;
}
