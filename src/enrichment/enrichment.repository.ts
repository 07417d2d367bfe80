import type { Queryable } from '../infra/db.js';
import { activeTraceParent } from '../infra/tracing.js';

/** A transaction claimed for enrichment: the claim token must accompany its result. */
export interface ClaimedTransaction {
  id: number;
  batchId: string;
  accountId: number;
  /** The integration owning the account, for categorizers that learn per integration. */
  integrationId: number;
  transactionId: string;
  date: string;
  amount: string;
  currency: string;
  merchantName: string | null;
  description: string | null;
  /** The raw record's `mcc`, when the feed sent one. */
  mcc: string | null;
  /** The integration's learning version as the row was claimed (0 before its first correction). */
  learningVersion: number;
  attempts: number;
  claimToken: string;
}

export type EnrichmentResult =
  | { id: number; claimToken: string; category: string; confidence: number; source: string; version: string; error?: undefined }
  | { id: number; claimToken: string; error: string };

export interface WrittenResult {
  id: number;
  batchId: string;
  status: 'completed' | 'pending' | 'failed';
}

/** Whose pending rows a claim takes: a batch's, or those a re-enrichment sent back (each has a partial index). */
export type RowOwner = { batchId: string; reenrichmentId?: undefined } | { reenrichmentId: string; batchId?: undefined };

/** A claim of up to `limit` pending rows of one owner. */
export interface ClaimWanted {
  owner: RowOwner;
  limit: number;
}

/**
 * Claims pending rows for several owners in one short statement, up to each one's limit: they
 * become `processing` under the claim token and a fresh lease, and their attempt is counted. Each row
 * comes back with the index of the owner (in `wanted`) it was claimed for; name each owner once.
 * SKIP LOCKED lets every worker claim from the same owners at once without waiting on each other.
 * A row pending for both a batch and a re-enrichment of the same claim goes to the first of them.
 * The claimed rows' batches note when they were last claimed from (at most once a second, so
 * claims from many workers rarely wait on the row), which tells the scheduler they are being worked.
 */
export async function claimPendingOf(db: Queryable, wanted: ClaimWanted[], leaseMs: number, claimToken: string): Promise<Array<ClaimedTransaction & { wanted: number }>> {
  if (wanted.length === 0) return [];
  const { rows } = await db.query<ClaimedTransaction & { wanted: number }>({
    text: `WITH wanted AS MATERIALIZED (
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS w (batch_id, reenrichment_id, n, wanted)
           ), picked AS (
             SELECT p.id, w.wanted FROM wanted w
              CROSS JOIN LATERAL (SELECT id FROM transactions
                                   WHERE batch_id = w.batch_id AND status = 'pending' AND removed_at IS NULL
                                   ORDER BY id LIMIT w.n FOR UPDATE SKIP LOCKED) p
             UNION ALL
             SELECT p.id, w.wanted FROM wanted w
              CROSS JOIN LATERAL (SELECT id FROM transactions
                                   WHERE reenrichment_id = w.reenrichment_id AND status = 'pending' AND removed_at IS NULL
                                   ORDER BY id LIMIT w.n FOR UPDATE SKIP LOCKED) p
           ), claimed AS (
             UPDATE transactions t
                SET status = 'processing', claim_token = $5, lease_expires_at = now() + make_interval(secs => $4 / 1000.0),
                    attempts = t.attempts + 1, updated_at = now()
               FROM (SELECT DISTINCT ON (id) id, wanted FROM picked ORDER BY id, wanted) p
              WHERE t.id = p.id
              RETURNING t.id, t.batch_id AS "batchId", t.account_id AS "accountId",
                        (SELECT a.integration_id FROM accounts a WHERE a.id = t.account_id) AS "integrationId", t.transaction_id AS "transactionId", t.date,
                        t.amount::text AS amount, t.currency::text AS currency, t.merchant_name AS "merchantName",
                        t.description, t.raw->>'mcc' AS mcc,
                        COALESCE((SELECT v.version FROM learning_versions v JOIN accounts a ON a.integration_id = v.integration_id
                                   WHERE a.id = t.account_id), 0)::int AS "learningVersion",
                        t.attempts, t.claim_token AS "claimToken", (p.wanted - 1)::int AS wanted
           ), touched AS (
             UPDATE batches SET last_claimed_at = now()
              WHERE id IN (SELECT DISTINCT "batchId" FROM claimed)
                AND (last_claimed_at IS NULL OR last_claimed_at < now() - interval '1 second')
           )
           SELECT * FROM claimed`,
    values: [wanted.map((w) => w.owner.batchId ?? null), wanted.map((w) => w.owner.reenrichmentId ?? null), wanted.map((w) => w.limit), leaseMs, claimToken],
  });
  return rows;
}

/**
 * Writes many results in one statement, and a `transaction.enriched` change for each category
 * set. Each is guarded by its claim token: a worker whose lease expired (and whose row was
 * reclaimed), or whose row a person corrected, modified or removed meanwhile (each clears the
 * token), writes nothing. An error sends the row back to `pending`, or to `failed` once it has
 * used its attempts.
 */
export async function writeResults(db: Queryable, results: EnrichmentResult[], maxAttempts: number): Promise<WrittenResult[]> {
  const { rows } = await db.query<WrittenResult>(
    `WITH written AS (
       UPDATE transactions t
          SET status = CASE WHEN r.error IS NULL THEN 'completed' WHEN t.attempts >= $7 THEN 'failed' ELSE 'pending' END,
              category = CASE WHEN r.error IS NULL THEN r.category ELSE t.category END,
              category_confidence = CASE WHEN r.error IS NULL THEN r.confidence ELSE t.category_confidence END,
              category_source = CASE WHEN r.error IS NULL THEN r.source ELSE t.category_source END,
              categorizer_version = CASE WHEN r.error IS NULL THEN r.version ELSE t.categorizer_version END,
              error = r.error,
              enrichment_commits = t.enrichment_commits + CASE WHEN r.error IS NULL THEN 1 ELSE 0 END,
              completed_at = CASE WHEN r.error IS NULL OR t.attempts >= $7 THEN now() END,
              claim_token = NULL, lease_expires_at = NULL, updated_at = now()
         FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::real[], $5::text[], $6::text[], $8::text[])
              AS r (id, claim_token, category, confidence, source, error, version)
        WHERE t.id = r.id AND t.claim_token = r.claim_token AND t.status = 'processing'
          AND NOT t.category_locked AND t.removed_at IS NULL
        RETURNING t.id, t.batch_id, t.account_id, t.status, r.error IS NULL AS enriched
     ), changed AS (
       INSERT INTO changes (integration_id, account_id, transaction_pk, type)
       SELECT a.integration_id, w.account_id, w.id, 'transaction.enriched'
         FROM written w JOIN accounts a ON a.id = w.account_id
        WHERE w.enriched
        ORDER BY w.id
     )
     SELECT id, batch_id AS "batchId", status FROM written`,
    [
      results.map((r) => r.id),
      results.map((r) => r.claimToken),
      results.map((r) => (r.error === undefined ? r.category : null)),
      results.map((r) => (r.error === undefined ? r.confidence : null)),
      results.map((r) => (r.error === undefined ? r.source : null)),
      results.map((r) => (r.error === undefined ? null : r.error)),
      maxAttempts,
      results.map((r) => (r.error === undefined ? r.version : null)),
    ],
  );
  return rows;
}

/**
 * Gives claimed rows back untried: `pending` again, and the claim's attempt is not counted (the
 * categorizer never saw them). Rows are those of the given claim tokens, or only the given ids of
 * them. A claim whose answer was lost is released this way by its token alone.
 */
export async function releaseClaims(db: Queryable, claimTokens: string[], ids: number[] | null): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE transactions t
        SET status = 'pending', attempts = t.attempts - 1, claim_token = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE t.claim_token = ANY($1::uuid[]) AND t.status = 'processing' AND ($2::bigint[] IS NULL OR t.id = ANY($2::bigint[]))`,
    [claimTokens, ids],
  );
  return rowCount ?? 0;
}

/** The integration a batch belongs to, or undefined for an unknown batch. */
export async function findBatchIntegration(db: Queryable, batchId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ integrationId: number }>('SELECT integration_id AS "integrationId" FROM batches WHERE id = $1', [batchId]);
  return rows[0]?.integrationId;
}

export async function findReenrichmentIntegration(db: Queryable, reenrichmentId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ integrationId: number }>('SELECT integration_id AS "integrationId" FROM reenrichments WHERE id = $1', [reenrichmentId]);
  return rows[0]?.integrationId;
}

/**
 * Stamps `completed_at` on the given batches that have nothing left to do and, in the same
 * statement, records `batch.completed` webhook events (for integrations that subscribe) for those
 * complete for the first time: a batch reopened by an unlocked correction is announced once.
 */
export async function markBatchesCompleted(db: Queryable, batchIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH stamped AS (
       UPDATE batches b SET completed_at = now(), announced_at = coalesce(b.announced_at, now())
        WHERE b.id = ANY($1::uuid[]) AND b.completed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.batch_id = b.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL)
        -- Both are this statement's now() only when the batch was never announced before.
        RETURNING b.id, b.announced_at = b.completed_at AS first
     ), recorded AS (
       INSERT INTO webhook_events (integration_id, type, data, trace_parent)
       SELECT v.integration_id, 'batch.completed', v.data, $2 FROM webhook_batch_completed v JOIN stamped s ON s.id = v.batch_id
        WHERE s.first AND webhook_subscribed(v.integration_id, 'batch.completed')
     )
     SELECT id FROM stamped`,
    [batchIds, activeTraceParent()],
  );
  return rows.map((row) => row.id);
}

/** Whether a batch (`batch_id`) or a re-enrichment (`reenrichment_id`) still has rows waiting to be claimed (removed ones aside). */
export async function hasPendingRows(db: Queryable, of: 'batch_id' | 'reenrichment_id', id: string): Promise<boolean> {
  const { rows } = await db.query<{ waiting: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM transactions WHERE ${of} = $1 AND status = 'pending' AND removed_at IS NULL) AS waiting`,
    [id],
  );
  return rows[0]?.waiting === true;
}

/**
 * Takes back transactions whose lease ran out (their worker died or hung): back to `pending`,
 * or `failed` when the expired claim was their last attempt.
 */
export async function reclaimExpiredLeases(db: Queryable, limit: number, maxAttempts: number): Promise<WrittenResult[]> {
  const { rows } = await db.query<WrittenResult>(
    `UPDATE transactions t
        SET status = CASE WHEN t.attempts >= $2 THEN 'failed' ELSE 'pending' END,
            error = 'processing lease expired (attempt ' || t.attempts || ' of ' || $2 || ')',
            completed_at = CASE WHEN t.attempts >= $2 THEN now() END,
            claim_token = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE t.id IN (
              SELECT id FROM transactions
               WHERE status = 'processing' AND lease_expires_at < now()
               ORDER BY lease_expires_at
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
      RETURNING t.id, t.batch_id AS "batchId", t.status`,
    [limit, maxAttempts],
  );
  return rows;
}

/**
 * Unfinished batches that nothing is working on: pending rows have waited longer than `olderThanMs`
 * without being touched, and no worker has claimed from the batch for as long.
 */
export async function findStrandedBatches(db: Queryable, olderThanMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM batches b
      WHERE b.completed_at IS NULL
        AND coalesce(b.last_claimed_at, b.created_at) < now() - make_interval(secs => $1 / 1000.0)
        AND EXISTS (SELECT 1 FROM transactions t
                     WHERE t.batch_id = b.id AND t.status = 'pending' AND t.removed_at IS NULL
                       AND t.updated_at < now() - make_interval(secs => $1 / 1000.0))
      ORDER BY b.created_at
      LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((row) => row.id);
}

/** Unfinished batches with nothing left to do (e.g. their last rows failed by lease expiry). */
export async function findFinishedOpenBatches(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM batches b
      WHERE b.completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.batch_id = b.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL)
      ORDER BY b.created_at
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

/** Transactions waiting for or in enrichment; removed ones count nowhere (§10), and only so can the count use its partial indexes. */
export async function countUnfinished(db: Queryable): Promise<{ pending: number; processing: number }> {
  const { rows } = await db.query<{ pending: number; processing: number }>(
    `SELECT (SELECT count(*) FROM transactions WHERE status = 'pending' AND removed_at IS NULL)::int AS pending,
            (SELECT count(*) FROM transactions WHERE status = 'processing' AND removed_at IS NULL)::int AS processing`,
  );
  return rows[0] ?? { pending: 0, processing: 0 };
}

export async function purgeExpiredIdempotencyKeys(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
  return rowCount ?? 0;
}
