import type { Queryable } from '../infra/db.js';

export interface ReenrichmentFilters {
  start_date: string | null;
  end_date: string | null;
  only_uncategorized: boolean;
}

export interface ReenrichmentRow {
  id: string;
  integrationId: number;
  createdAt: Date;
  /** How many rows it sent back (the `transactions` of its 202). */
  announced: number;
  /** When its last row finished; the status reads finished from this moment on. */
  lastFinishedAt: Date;
  /** Its rows now, by status; removed ones apart. */
  pending: number;
  /** Of the pending, those already tried: it has started. */
  retrying: number;
  processing: number;
  completed: number;
  failed: number;
  removed: number;
  /** The counts it finished with; null while it runs. */
  final: { completed: number; failed: number; lastFinishedAt: Date } | null;
}

export async function insertReenrichment(db: Queryable, id: string, integrationId: number, accountId: number, filters: ReenrichmentFilters): Promise<void> {
  await db.query('INSERT INTO reenrichments (id, integration_id, account_id, filters, transactions) VALUES ($1, $2, $3, $4, 0)', [
    id,
    integrationId,
    accountId,
    JSON.stringify(filters),
  ]);
}

/**
 * Sends up to `limit` of the account's enriched (or failed) rows matching the filters, after row
 * `afterPk`, back to `pending` under the re-enrichment, with fresh attempts; locked, removed and
 * still-unfinished rows are left alone. Their batches stay completed (no second `batch.completed`):
 * the re-enrichment's own jobs and sweep see the rows through. The old category stays visible
 * until the new one is written. Chunks keep each statement short on a large account.
 */
export async function sendBackForReenrichment(
  db: Queryable,
  reenrichmentId: string,
  accountId: number,
  filters: ReenrichmentFilters,
  afterPk: number,
  limit: number,
): Promise<{ sent: number; lastPk: number }> {
  const { rows } = await db.query<{ sent: number; lastPk: number | null }>(
    `WITH picked AS (
       SELECT t.id FROM transactions t
        WHERE t.account_id = $2 AND NOT t.category_locked AND t.removed_at IS NULL AND t.status IN ('completed', 'failed')
          AND ($3::date IS NULL OR t.date >= $3::date)
          AND ($4::date IS NULL OR t.date <= $4::date)
          AND (NOT $5::boolean OR t.category IS NULL OR t.category = 'UNCATEGORIZED')
          AND t.id > $6
        ORDER BY t.id
        LIMIT $7
        FOR UPDATE
     ), sent AS (
       UPDATE transactions t
          SET status = 'pending', attempts = 0, error = NULL, completed_at = NULL, claim_token = NULL, lease_expires_at = NULL,
              reenrichment_id = $1, updated_at = now()
         FROM picked p WHERE t.id = p.id
        RETURNING t.id
     )
     SELECT count(*)::int AS sent, max(id) AS "lastPk" FROM sent`,
    [reenrichmentId, accountId, filters.start_date, filters.end_date, filters.only_uncategorized, afterPk, limit],
  );
  const row = rows[0];
  return { sent: row?.sent ?? 0, lastPk: row?.lastPk ?? afterPk };
}

export async function setReenrichmentTotal(db: Queryable, id: string, transactions: number): Promise<void> {
  await db.query('UPDATE reenrichments SET transactions = $2 WHERE id = $1', [id, transactions]);
}

/** The integration's re-enrichment, with its rows counted by status and the counts it finished with. */
export async function findReenrichment(db: Queryable, integrationId: number, id: string): Promise<ReenrichmentRow | undefined> {
  const { rows } = await db.query<Omit<ReenrichmentRow, 'final'> & { finalCompleted: number | null; finalFailed: number | null; finalAt: Date | null }>(
    `SELECT r.id, r.integration_id AS "integrationId", r.created_at AS "createdAt", r.transactions AS announced,
            c.pending, c.retrying, c.processing, c.completed, c.failed, c.removed, c.last_finished_at AS "lastFinishedAt",
            r.final_completed AS "finalCompleted", r.final_failed AS "finalFailed", r.last_finished_at AS "finalAt"
       FROM reenrichments r
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE t.status = 'pending' AND t.removed_at IS NULL)::int    AS pending,
                count(*) FILTER (WHERE t.status = 'pending' AND t.attempts > 0 AND t.removed_at IS NULL)::int AS retrying,
                count(*) FILTER (WHERE t.status = 'processing' AND t.removed_at IS NULL)::int AS processing,
                count(*) FILTER (WHERE t.status = 'completed' AND t.removed_at IS NULL)::int  AS completed,
                count(*) FILTER (WHERE t.status = 'failed' AND t.removed_at IS NULL)::int     AS failed,
                count(*) FILTER (WHERE t.removed_at IS NOT NULL)::int                         AS removed,
                -- A row removed before it was enriched again stopped being work when it was removed.
                greatest(max(coalesce(t.completed_at, t.removed_at)), r.created_at)          AS last_finished_at
           FROM transactions t WHERE t.reenrichment_id = r.id
       ) c
      WHERE r.id = $1 AND r.integration_id = $2`,
    [id, integrationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { finalCompleted, finalFailed, finalAt, ...live } = row;
  const final = finalCompleted === null || finalFailed === null || finalAt === null ? null : { completed: finalCompleted, failed: finalFailed, lastFinishedAt: finalAt };
  return { ...live, final };
}

/** Keeps what a finished re-enrichment did, whatever later happens to its rows. */
export async function keepFinalCounts(db: Queryable, id: string, counts: { completed: number; failed: number }, lastFinishedAt: Date): Promise<void> {
  await db.query('UPDATE reenrichments SET final_completed = $2, final_failed = $3, last_finished_at = $4 WHERE id = $1', [
    id,
    counts.completed,
    counts.failed,
    lastFinishedAt,
  ]);
}

/** Stamps a re-enrichment completed once none of its rows is left to do; returns it when this call did. */
export async function markReenrichmentCompleted(db: Queryable, id: string): Promise<{ integrationId: number } | undefined> {
  const { rows } = await db.query<{ integrationId: number }>(
    `UPDATE reenrichments r SET completed_at = now()
      WHERE r.id = $1 AND r.completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM transactions t
                         WHERE t.reenrichment_id = r.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL)
      RETURNING r.integration_id AS "integrationId"`,
    [id],
  );
  return rows[0];
}

/** Open re-enrichments with nothing left to do (their job was lost, or their last rows were swept). */
export async function findDrainedReenrichments(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM reenrichments r
      WHERE r.completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM transactions t
                         WHERE t.reenrichment_id = r.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL)
      ORDER BY r.created_at
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.id);
}

/** Open re-enrichments with rows pending and untouched for `olderThanMs` (their job was lost, e.g. Redis was down). */
export async function findStalledReenrichments(db: Queryable, olderThanMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM reenrichments r
      WHERE r.completed_at IS NULL
        AND EXISTS (SELECT 1 FROM transactions t
                     WHERE t.reenrichment_id = r.id AND t.status = 'pending' AND t.removed_at IS NULL
                       AND t.updated_at < now() - make_interval(secs => $1 / 1000.0))
      ORDER BY r.created_at
      LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => r.id);
}

/** Accounts of an integration by name, for the operator's command: one, or all of them. */
export async function findIntegrationAccounts(db: Queryable, integrationName: string, accountExternalId: string | null): Promise<Array<{ integrationId: number; accountId: string }>> {
  const { rows } = await db.query<{ integrationId: number; accountId: string }>(
    `SELECT i.id AS "integrationId", a.external_id AS "accountId"
       FROM integrations i JOIN accounts a ON a.integration_id = i.id
      WHERE i.name = $1 AND ($2::text IS NULL OR a.external_id = $2::text)
      ORDER BY a.external_id`,
    [integrationName, accountExternalId],
  );
  return rows;
}
