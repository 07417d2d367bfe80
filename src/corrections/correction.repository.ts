import type { Category } from '../domain/taxonomy.js';
import type { Queryable } from '../infra/db.js';
import { TRANSACTION_COLUMNS, type TransactionRow } from '../transactions/transaction.repository.js';

/** The account's transaction, locked for this database transaction so a correction and a worker's write are ordered. */
export async function lockAccountTransaction(db: Queryable, accountId: number, transactionId: string): Promise<TransactionRow | undefined> {
  const { rows } = await db.query<TransactionRow>(
    `SELECT ${TRANSACTION_COLUMNS} FROM transactions t WHERE t.account_id = $1 AND t.transaction_id = $2 FOR UPDATE`,
    [accountId, transactionId],
  );
  return rows[0];
}

/**
 * Sets and locks a person's category. Clearing the claim token makes a worker that holds the row
 * write nothing (its write is guarded by the token); the rollup triggers move the row's amount to
 * the new category in this same statement. A row waiting in a re-enrichment stays tagged with it,
 * finished now: the re-enrichment counts it done, and is done no earlier than this.
 */
export async function lockCategory(db: Queryable, pk: number, category: Category): Promise<TransactionRow> {
  const { rows } = await db.query<TransactionRow>(
    `UPDATE transactions t
        SET category = $2, category_confidence = 1, category_source = 'user', category_locked = true, categorizer_version = NULL,
            status = 'completed', error = NULL, completed_at = coalesce(t.completed_at, now()),
            claim_token = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE t.id = $1
      RETURNING ${TRANSACTION_COLUMNS}`,
    [pk, category],
  );
  return rows[0] as TransactionRow;
}

/**
 * Unlocks a category and sends the row back to enrichment with fresh attempts; its batch is open
 * again. Until enrichment answers it has no category, as when it arrived: the person's answer is
 * withdrawn, and no machine answer has been given yet.
 */
export async function unlockForEnrichment(db: Queryable, pk: number): Promise<TransactionRow> {
  const { rows } = await db.query<TransactionRow>(
    `WITH reopened AS (
       UPDATE transactions t
          SET category = NULL, category_confidence = NULL, category_source = NULL, category_locked = false, status = 'pending', attempts = 0, error = NULL, completed_at = NULL,
              claim_token = NULL, lease_expires_at = NULL, reenrichment_id = NULL, updated_at = now()
        WHERE t.id = $1
        RETURNING t.*
     ), batch AS (
       UPDATE batches b SET completed_at = NULL FROM reopened r WHERE b.id = r.batch_id
     )
     SELECT ${TRANSACTION_COLUMNS} FROM reopened t`,
    [pk],
  );
  return rows[0] as TransactionRow;
}
