import type { Queryable } from '../infra/db.js';

/**
 * Seconds the oldest pending transaction has waited since its batch was created (0 when none).
 * Cheap at any backlog: open batches in creation order (batches_open), each probed on the
 * pending-rows index, stopping at the first that has one.
 */
export async function oldestPendingAgeSeconds(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ age: number | null }>(
    `SELECT extract(epoch FROM now() - b.created_at)::float8 AS age
       FROM batches b
      WHERE b.completed_at IS NULL
        AND EXISTS (SELECT 1 FROM transactions t WHERE t.batch_id = b.id AND t.status = 'pending')
      ORDER BY b.created_at
      LIMIT 1`,
  );
  return Math.max(0, rows[0]?.age ?? 0);
}
