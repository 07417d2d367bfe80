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

/** A transaction whose lesson may have to change: its text and category now, and what its correction taught. */
export interface StandingLesson {
  pk: number;
  merchant_name: string | null;
  description: string | null;
  amount: string;
  category: Category | null;
  /** Locked by a person and not removed: it should teach. */
  teaches: boolean;
  /** What its correction taught, when one stands. */
  taught: { merchantKey: string; category: Category; features: string[] } | null;
}

/** Of these transactions, those that teach or taught a lesson, in id order. */
export async function findStandingLessons(db: Queryable, pks: readonly number[]): Promise<StandingLesson[]> {
  const { rows } = await db.query<StandingLesson>(
    `SELECT t.id AS pk, t.merchant_name, t.description, t.amount::text AS amount, t.category,
            (t.category_locked AND t.removed_at IS NULL AND t.category IS NOT NULL) AS teaches,
            CASE WHEN c.transaction_pk IS NULL THEN NULL
                 ELSE json_build_object('merchantKey', c.merchant_key, 'category', c.category, 'features', c.features) END AS taught
       FROM transactions t LEFT JOIN corrections c ON c.transaction_pk = t.id
      WHERE t.id = ANY($1::bigint[]) AND (c.transaction_pk IS NOT NULL OR (t.category_locked AND t.removed_at IS NULL))
      ORDER BY t.id`,
    [pks],
  );
  return rows;
}

/**
 * The way the stored lessons were derived (lesson_derivation.version), locked for this database
 * transaction so one process derives them again at a time; undefined when no row records it.
 */
export async function lockLessonDerivation(db: Queryable): Promise<number | undefined> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM lesson_derivation FOR UPDATE');
  return rows[0]?.version;
}

/** The transactions corrected in each integration, in id order, integrations in id order. */
export async function listCorrectionsByIntegration(db: Queryable): Promise<Array<{ id: number; pks: number[] }>> {
  const { rows } = await db.query<{ id: number; pks: number[] }>(
    'SELECT integration_id::int AS id, array_agg(transaction_pk::int ORDER BY transaction_pk) AS pks FROM corrections GROUP BY integration_id ORDER BY integration_id',
  );
  return rows;
}

/** Records the way the stored lessons are derived now. */
export async function setLessonDerivation(db: Queryable, version: number): Promise<void> {
  await db.query('UPDATE lesson_derivation SET version = $1', [version]);
}
