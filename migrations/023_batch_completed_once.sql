-- `batch.completed` is announced once per batch.
--
-- Unlocking a corrected category (§11) sends its transaction back to enrichment and opens its
-- batch again (`completed_at` cleared), so the scheduler's sweep still sees the row through when
-- the queue is down. When the row finished, the batch was stamped complete a second time and its
-- subscribers heard `batch.completed` twice for one batch. A re-enrichment never reopened batches.
--
-- `announced_at` is when the batch was first complete: set with the first stamp and never cleared.
-- The event is recorded only with that first stamp. Batches complete today were announced then.
ALTER TABLE batches ADD COLUMN announced_at timestamptz;
UPDATE batches SET announced_at = completed_at WHERE completed_at IS NOT NULL;
