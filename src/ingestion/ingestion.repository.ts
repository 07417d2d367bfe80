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

/** Takes the per-(integration, key) lock for this transaction, or returns false if another request holds it. */
export async function tryLockIdempotencyKey(db: Queryable, integrationId: number, key: string): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock($1::int4, hashtext($2::bigint || ':' || $3)) AS locked`,
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
 * Stores the batch and its transactions in one set-based statement. Transactions whose id the
 * account already holds are skipped; the ids actually inserted are returned.
 */
export async function insertBatchWithTransactions(
  db: Queryable,
  batch: { id: string; integrationId: number; accountId: number },
  transactions: NewTransaction[],
): Promise<string[]> {
  const { rows } = await db.query<{ transaction_id: string }>(
    `WITH inserted AS (
       INSERT INTO transactions (account_id, batch_id, transaction_id, date, amount, currency, merchant_name, description, raw)
       SELECT $3, $1, r.transaction_id, r.date, r.amount, r.currency, r.merchant_name, r.description, r.raw
         FROM unnest($5::text[], $6::date[], $7::numeric[], $8::text[], $9::text[], $10::text[], $11::jsonb[])
              AS r (transaction_id, date, amount, currency, merchant_name, description, raw)
       ON CONFLICT (account_id, transaction_id) DO NOTHING
       RETURNING transaction_id
     ), counted AS (
       SELECT count(*)::int AS accepted FROM inserted
     ), batch AS (
       INSERT INTO batches (id, integration_id, account_id, received, accepted, duplicates, completed_at)
       SELECT $1, $2, $3, $4, accepted, $4 - accepted, CASE WHEN accepted = 0 THEN now() END FROM counted
     )
     SELECT transaction_id FROM inserted`,
    [
      batch.id,
      batch.integrationId,
      batch.accountId,
      transactions.length,
      ...contentColumns(transactions),
      transactions.map((t) => t.raw),
    ],
  );
  return rows.map((row) => row.transaction_id);
}

/** Of the given transactions, the ids the account already holds with different content. */
export async function findConflictingTransactions(db: Queryable, accountId: number, transactions: NewTransaction[]): Promise<string[]> {
  const { rows } = await db.query<{ transaction_id: string }>(
    `SELECT s.transaction_id
       FROM unnest($2::text[], $3::date[], $4::numeric[], $5::text[], $6::text[], $7::text[])
            AS r (transaction_id, date, amount, currency, merchant_name, description)
       JOIN transactions s ON s.account_id = $1 AND s.transaction_id = r.transaction_id
      WHERE (s.date, s.amount, s.currency::text, s.merchant_name, s.description)
            IS DISTINCT FROM (r.date, r.amount, r.currency, r.merchant_name, r.description)
      ORDER BY s.transaction_id`,
    [
      accountId,
      ...contentColumns(transactions),
    ],
  );
  return rows.map((row) => row.transaction_id);
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
