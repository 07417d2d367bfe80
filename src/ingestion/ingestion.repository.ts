import { LOCK_NAMESPACE } from '../infra/advisory-locks.js';
import type { Queryable } from '../infra/db.js';

/** A transaction ready to store: validated, amount canonical, raw record as received. */
export interface NewTransaction {
  transactionId: string;
  date: string;
  amount: string;
  currency: string;
  merchantName: string | null;
  description: string | null;
  /** The bank has not posted it yet (contract §10). */
  pending: boolean;
  /** On a posted transaction: the pending one it replaces. */
  pendingTransactionId: string | null;
  raw: string;
}

export interface StoredAccount {
  id: number;
  currency: string;
  name: string | null;
  institution: string | null;
}

export interface IdempotencyRecord {
  requestHash: Buffer;
  responseStatus: number;
  responseBody: Record<string, unknown>;
}

/**
 * Takes the per-(integration, key) lock for this transaction, or returns false if another request
 * holds it. The lock's two int4 keys are the halves of a 64-bit hash of the key and its use, so two
 * unrelated keys block each other once in 2^64 (with one 32-bit hash it was once in 2^32, which a
 * search finds), and no other lock of ours meets it but by the same chance.
 */
export async function tryLockIdempotencyKey(db: Queryable, integrationId: number, key: string): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock((h >> 32)::int4, ((h << 32) >> 32)::int4) AS locked
       FROM (SELECT hashtextextended($1::int4 || ':' || $2::bigint || ':' || $3, 0) AS h) AS idempotency`,
    [LOCK_NAMESPACE.idempotencyKey, integrationId, key],
  );
  return rows[0]?.locked === true;
}

export async function findIdempotencyRecord(db: Queryable, integrationId: number, key: string): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<IdempotencyRecord>(
    `SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody"
       FROM idempotency_keys
      WHERE integration_id = $1 AND key = $2 AND expires_at > now()`,
    [integrationId, key],
  );
  return rows[0];
}

export async function saveIdempotencyRecord(
  db: Queryable,
  integrationId: number,
  key: string,
  record: IdempotencyRecord,
  retentionHours: number,
): Promise<void> {
  // An expired record of the same key is replaced: the key is free again after its retention.
  await db.query(
    `INSERT INTO idempotency_keys (integration_id, key, request_hash, response_status, response_body, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
     ON CONFLICT (integration_id, key) DO UPDATE
        SET request_hash = excluded.request_hash, response_status = excluded.response_status,
            response_body = excluded.response_body, created_at = now(), expires_at = excluded.expires_at`,
    [integrationId, key, record.requestHash, record.responseStatus, JSON.stringify(record.responseBody), retentionHours],
  );
}

/**
 * Finds the integration's account or creates it. Never locks an existing account row, so
 * concurrent batches for one account do not queue behind each other.
 */
export async function findOrCreateAccount(
  db: Queryable,
  integrationId: number,
  account: { externalId: string; currency: string; name: string | null; institution: string | null },
): Promise<StoredAccount & { created: boolean }> {
  const { rows } = await db.query<StoredAccount & { created: boolean }>(
    `WITH inserted AS (
       INSERT INTO accounts (integration_id, external_id, currency, name, institution)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (integration_id, external_id) DO NOTHING
       RETURNING id, currency, name, institution, true AS created
     )
     SELECT * FROM inserted
     UNION ALL
     SELECT id, currency, name, institution, false AS created FROM accounts
      WHERE integration_id = $1 AND external_id = $2 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [integrationId, account.externalId, account.currency, account.name, account.institution],
  );
  const row = rows[0];
  if (row) return row;
  // The account was inserted by a concurrent request that committed after our snapshot: read it now.
  const again = await db.query<StoredAccount>(
    'SELECT id, currency, name, institution FROM accounts WHERE integration_id = $1 AND external_id = $2',
    [integrationId, account.externalId],
  );
  const existing = again.rows[0];
  if (!existing) throw new Error('account vanished while being created');
  return { ...existing, created: false };
}

export async function updateAccountDetails(db: Queryable, accountId: number, name: string | null, institution: string | null): Promise<void> {
  await db.query(
    `UPDATE accounts SET name = coalesce($2, name), institution = coalesce($3, institution), updated_at = now()
      WHERE id = $1 AND (name IS DISTINCT FROM coalesce($2, name) OR institution IS DISTINCT FROM coalesce($3, institution))`,
    [accountId, name, institution],
  );
}

/**
 * Stores the batch and its new transactions in one set-based statement, each new transaction with
 * its `transaction.added` change. Transactions whose id the account already holds are skipped;
 * the new ones are returned.
 */
export async function insertBatchWithTransactions(
  db: Queryable,
  batch: { id: string; integrationId: number; accountId: number },
  transactions: NewTransaction[],
): Promise<Array<{ pk: number; transactionId: string; pending: boolean }>> {
  const { rows } = await db.query<{ pk: number; transactionId: string; pending: boolean }>(
    `WITH inserted AS (
       INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description,
                                 pending, pending_transaction_id, raw)
       SELECT $3, $1, r.transaction_id, r.date, r.amount, r.currency, r.merchant_name, r.description,
              r.pending, r.pending_transaction_id, r.raw
         FROM unnest($5::text[], $6::date[], $7::numeric[], $8::text[], $9::text[], $10::text[], $11::boolean[], $12::text[], $13::jsonb[])
              AS r (transaction_id, date, amount, currency, merchant_name, description, pending, pending_transaction_id, raw)
       ON CONFLICT (account_id, transaction_id) DO NOTHING
       RETURNING id, transaction_id, pending
     ), counted AS (
       SELECT count(*)::int AS accepted FROM inserted
     ), batch AS (
       INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates, completed_at)
       SELECT $1, $2, $3, $4, accepted, $4 - accepted, CASE WHEN accepted = 0 THEN now() END FROM counted
     ), added AS (
       INSERT INTO changes (integration_id, account_id, transaction_pk, type)
       SELECT $2, $3, id, 'transaction.added' FROM inserted ORDER BY id
     )
     SELECT id AS pk, transaction_id AS "transactionId", pending FROM inserted`,
    [
      batch.id,
      batch.integrationId,
      batch.accountId,
      transactions.length,
      ...contentColumns(transactions),
      transactions.map((t) => t.pending),
      transactions.map((t) => t.pendingTransactionId),
      transactions.map((t) => t.raw),
    ],
  );
  return rows;
}

/** How a re-sent transaction id compares with the stored one. */
export interface StoredMatch {
  transactionId: string;
  /** Stored as pending and not removed: it may still change. */
  changeable: boolean;
  contentDiffers: boolean;
  /** Merchant name or description changed, and no person locked the category: enrich it again. */
  reenrich: boolean;
  /** A pending transaction re-sent as posted. */
  posts: boolean;
}

/**
 * Compares the given transactions with the ones the account already holds under their ids, and
 * locks those (in id order, as inserts lock them) so the comparison still holds when they are updated.
 */
export async function matchStoredTransactions(db: Queryable, accountId: number, transactions: NewTransaction[]): Promise<StoredMatch[]> {
  const { rows } = await db.query<StoredMatch>(
    `SELECT s.transaction_id AS "transactionId",
            (s.pending AND s.removed_at IS NULL) AS changeable,
            (s.date, s.amount, s.currency::text, s.merchant_name, s.description)
              IS DISTINCT FROM (r.date, r.amount, r.currency, r.merchant_name, r.description) AS "contentDiffers",
            ((s.merchant_name, s.description) IS DISTINCT FROM (r.merchant_name, r.description) AND NOT s.category_locked) AS reenrich,
            (s.pending AND NOT r.pending) AS posts
       FROM unnest($2::text[], $3::date[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::boolean[])
            AS r (transaction_id, date, amount, currency, merchant_name, description, pending)
       JOIN transactions s ON s.account_id = $1 AND s.transaction_id = r.transaction_id
      ORDER BY s.transaction_id
        FOR UPDATE OF s`,
    [accountId, ...contentColumns(transactions), transactions.map((t) => t.pending)],
  );
  return rows;
}

/**
 * Updates stored pending transactions (locked by matchStoredTransactions) with what was re-sent;
 * they move to the new batch. One marked `reenrich` goes back to enrichment, releasing any claim,
 * so a worker still holding it cannot write a result for the old text.
 */
export async function modifyPendingTransactions(
  db: Queryable,
  accountId: number,
  batchId: string,
  modifications: Array<NewTransaction & { reenrich: boolean }>,
): Promise<Array<{ pk: number; previousBatchId: string }>> {
  const { rows } = await db.query<{ pk: number; previousBatchId: string }>(
    `UPDATE transactions t
        SET date = r.date, amount = r.amount, merchant_name = r.merchant_name, description = r.description,
            pending = r.pending, pending_transaction_id = r.pending_transaction_id, raw = r.raw, batch_id = $2,
            status = CASE WHEN r.reenrich THEN 'pending' ELSE t.status END,
            attempts = CASE WHEN r.reenrich THEN 0 ELSE t.attempts END,
            error = CASE WHEN r.reenrich THEN NULL ELSE t.error END,
            completed_at = CASE WHEN r.reenrich THEN NULL ELSE t.completed_at END,
            claim_token = CASE WHEN r.reenrich THEN NULL ELSE t.claim_token END,
            lease_expires_at = CASE WHEN r.reenrich THEN NULL ELSE t.lease_expires_at END,
            updated_at = now()
       FROM unnest($3::text[], $4::date[], $5::numeric[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::jsonb[], $12::boolean[])
            AS r (transaction_id, date, amount, currency, merchant_name, description, pending, pending_transaction_id, raw, reenrich)
       -- The row as it was, for the batch it leaves (RETURNING t.* gives the updated row).
       JOIN transactions previous ON previous.account_id = $1 AND previous.transaction_id = r.transaction_id
      WHERE t.id = previous.id
      RETURNING t.id AS pk, previous.batch_id AS "previousBatchId"`,
    [
      accountId,
      batchId,
      ...contentColumns(modifications),
      modifications.map((t) => t.pending),
      modifications.map((t) => t.pendingTransactionId),
      modifications.map((t) => t.raw),
      modifications.map((t) => t.reenrich),
    ],
  );
  return rows;
}

/** The columns that identify a transaction's content, one array each, for `unnest`. */
function contentColumns(transactions: NewTransaction[]): Array<Array<string | null>> {
  return [
    transactions.map((t) => t.transactionId),
    transactions.map((t) => t.date),
    transactions.map((t) => t.amount),
    transactions.map((t) => t.currency),
    transactions.map((t) => t.merchantName),
    transactions.map((t) => t.description),
  ];
}

/**
 * Removes the pending transactions that the given posted ones replace (`replaced_by` names the
 * posted one). A pending transaction being enriched is released and never enriched again.
 */
export async function replacePendingTransactions(
  db: Queryable,
  accountId: number,
  replacements: Array<{ postedId: string; pendingId: string }>,
): Promise<Array<{ pk: number; postedId: string; locked: boolean; category: string | null; batchId: string }>> {
  if (replacements.length === 0) return [];
  const { rows } = await db.query<{ pk: number; postedId: string; locked: boolean; category: string | null; batchId: string }>(
    `UPDATE transactions p
        SET removed_at = now(), replaced_by = r.posted_id,
            status = CASE WHEN p.status = 'processing' THEN 'pending' ELSE p.status END,
            claim_token = NULL, lease_expires_at = NULL, updated_at = now()
       FROM unnest($2::text[], $3::text[]) AS r (posted_id, pending_id)
      WHERE p.account_id = $1 AND p.transaction_id = r.pending_id AND p.pending AND p.removed_at IS NULL
      RETURNING p.id AS pk, r.posted_id AS "postedId", p.category_locked AS locked, p.category, p.batch_id AS "batchId"`,
    [accountId, replacements.map((r) => r.postedId), replacements.map((r) => r.pendingId)],
  );
  return rows;
}

/** A category a person locked on a replaced pending transaction carries over to the posted one; returns the posted rows. */
export async function carryLockedCategories(db: Queryable, accountId: number, carried: Array<{ postedId: string; category: string }>): Promise<number[]> {
  if (carried.length === 0) return [];
  const { rows } = await db.query<{ pk: number }>(
    `UPDATE transactions t
        SET category = r.category, category_confidence = 1, category_source = 'user', category_locked = true,
            status = 'completed', error = NULL, completed_at = now(), claim_token = NULL, lease_expires_at = NULL, updated_at = now()
       FROM unnest($2::text[], $3::text[]) AS r (transaction_id, category)
      WHERE t.account_id = $1 AND t.transaction_id = r.transaction_id
      RETURNING t.id AS pk`,
    [accountId, carried.map((c) => c.postedId), carried.map((c) => c.category)],
  );
  return rows.map((row) => row.pk);
}

/**
 * Newly stored pending transactions whose posted replacement arrived first are stored removed at
 * once — also when that posted one has since been removed, as the pending one would have stayed
 * removed had it come first. Of several posted ones naming it, a live one, then the first stored, replaces it.
 */
export async function removeAlreadyReplaced(db: Queryable, accountId: number, pendingPks: number[]): Promise<number[]> {
  if (pendingPks.length === 0) return [];
  const { rows } = await db.query<{ pk: number }>(
    `UPDATE transactions p
        SET removed_at = now(), replaced_by = r.posted_id, updated_at = now()
       FROM (SELECT DISTINCT ON (pending.id) pending.id, posted.transaction_id AS posted_id
               FROM transactions pending
               JOIN transactions posted ON posted.account_id = $1 AND posted.pending_transaction_id = pending.transaction_id AND NOT posted.pending
              WHERE pending.id = ANY($2::bigint[])
              ORDER BY pending.id, posted.removed_at IS NOT NULL, posted.id) AS r
      WHERE p.id = r.id AND p.pending AND p.removed_at IS NULL
      RETURNING p.id AS pk`,
    [accountId, pendingPks],
  );
  return rows.map((row) => row.pk);
}

/** Sets the batch's modified count and stamps it done when nothing of it is left to enrich. */
export async function settleBatch(db: Queryable, batchId: string, modified: number): Promise<{ done: boolean }> {
  const { rows } = await db.query<{ done: boolean }>(
    `UPDATE batches b
        SET modified = $2, duplicates = b.received - b.accepted - $2,
            completed_at = CASE WHEN EXISTS (SELECT 1 FROM transactions t
                                              WHERE t.batch_id = b.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL)
                                THEN NULL ELSE coalesce(b.completed_at, now()) END
      WHERE b.id = $1
      RETURNING b.completed_at IS NOT NULL AS done`,
    [batchId, modified],
  );
  return rows[0] ?? { done: false };
}

/**
 * Removes the account's transactions with the given ids (contract §10): removed rows stay readable
 * but count nowhere and are never enriched again. Returns the rows removed now and the ids removed before.
 */
export async function removeTransactions(
  db: Queryable,
  accountId: number,
  transactionIds: string[],
): Promise<{ removed: Array<{ pk: number; transactionId: string; batchId: string }>; alreadyRemoved: string[] }> {
  const { rows } = await db.query<{ pk: number; transactionId: string; batchId: string; removedNow: boolean }>(
    `WITH target AS (
       SELECT t.id, t.removed_at IS NOT NULL AS was_removed FROM transactions t
        WHERE t.account_id = $1 AND t.transaction_id = ANY($2::text[])
        ORDER BY t.transaction_id
        FOR UPDATE
     ), removed AS (
       UPDATE transactions t
          SET removed_at = now(),
              status = CASE WHEN t.status = 'processing' THEN 'pending' ELSE t.status END,
              claim_token = NULL, lease_expires_at = NULL, updated_at = now()
         FROM target WHERE t.id = target.id AND NOT target.was_removed
        RETURNING t.id, t.transaction_id, t.batch_id
     )
     SELECT id AS pk, transaction_id AS "transactionId", batch_id AS "batchId", true AS "removedNow" FROM removed
     UNION ALL
     SELECT t.id, t.transaction_id, t.batch_id, false FROM transactions t JOIN target ON target.id = t.id WHERE target.was_removed`,
    [accountId, transactionIds],
  );
  return {
    removed: rows.filter((row) => row.removedNow).map(({ pk, transactionId, batchId }) => ({ pk, transactionId, batchId })),
    alreadyRemoved: rows.filter((row) => !row.removedNow).map((row) => row.transactionId),
  };
}
