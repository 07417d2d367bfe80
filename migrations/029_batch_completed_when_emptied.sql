-- A batch whose transactions were removed before they were enriched is completed when the last of
-- them was removed, not when the batch was created. GET /api/batches/{id} works completed_at out
-- from its transactions' completed_at, or removed_at for one removed before it finished; the
-- `batch.completed` event (this view) and the completed_at kept when it is announced (migration
-- 027's trigger) now read it the same way.
CREATE OR REPLACE VIEW webhook_batch_completed AS
SELECT b.id AS batch_id, b.integration_id,
       json_build_object(
         'batch_id', b.id,
         'account_id', a.external_id,
         'status', CASE WHEN c.failed > 0 THEN 'completed_with_errors' ELSE 'completed' END,
         'created_at', to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'completed_at', to_char(c.last_finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'counts', json_build_object('total', c.total, 'pending', c.pending, 'processing', c.processing,
                                     'completed', c.completed, 'failed', c.failed)
       ) AS data
  FROM batches b
  JOIN accounts a ON a.id = b.account_id
  CROSS JOIN LATERAL (
    -- Removed transactions count nowhere (§10)...
    SELECT count(*) FILTER (WHERE t.removed_at IS NULL)::int                         AS total,
           count(*) FILTER (WHERE t.status = 'pending' AND t.removed_at IS NULL)::int    AS pending,
           count(*) FILTER (WHERE t.status = 'processing' AND t.removed_at IS NULL)::int AS processing,
           count(*) FILTER (WHERE t.status = 'completed' AND t.removed_at IS NULL)::int  AS completed,
           count(*) FILTER (WHERE t.status = 'failed' AND t.removed_at IS NULL)::int     AS failed,
           -- ...but finish the batch as GET /api/batches/{id} says: when each finished or was removed.
           greatest(max(coalesce(t.completed_at, t.removed_at)), b.created_at)           AS last_finished_at
      FROM transactions t WHERE t.batch_id = b.id
  ) c;

CREATE OR REPLACE FUNCTION batch_announced_completed_at() RETURNS trigger LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NEW.announced_at IS NOT NULL AND OLD.announced_at IS NULL AND NEW.announced_completed_at IS NULL THEN
    NEW.announced_completed_at := (SELECT greatest(max(coalesce(t.completed_at, t.removed_at)), NEW.created_at) FROM transactions t WHERE t.batch_id = NEW.id);
  END IF;
  RETURN NEW;
END;
$$;
