-- A batch's completed_at never goes back before the one its `batch.completed` event announced.
--
-- GET /api/batches/{id} works completed_at out from the batch's transactions as they are now. A
-- pending transaction modified later moves to the batch that carried the change, so the batch it
-- left read an earlier completed_at than its event had said (its created_at, when none was left).
-- `announced_completed_at` keeps the completed_at the event carried (set by the trigger below); GET
-- answers no earlier.
ALTER TABLE batches ADD COLUMN announced_completed_at timestamptz;

-- Batches announced already: what their event said, where one was recorded; else what GET answers now.
UPDATE batches b SET announced_completed_at = e.completed_at
  FROM (SELECT (data->>'batch_id')::uuid AS batch_id, min((data->>'completed_at')::timestamptz) AS completed_at
          FROM webhook_events WHERE type = 'batch.completed' GROUP BY 1) e
 WHERE b.id = e.batch_id AND b.announced_at IS NOT NULL;
UPDATE batches b SET announced_completed_at =
       (SELECT greatest(max(t.completed_at), b.created_at) FROM transactions t WHERE t.batch_id = b.id AND t.removed_at IS NULL)
 WHERE b.announced_at IS NOT NULL AND b.announced_completed_at IS NULL;

-- Set as a batch is announced, by whichever process announces it (the previous version too, still
-- running during a rolling upgrade), worked out as the event's completed_at is (webhook_batch_completed).
-- STABLE: its query reads the announcing statement's snapshot, the one the event is recorded from.
CREATE FUNCTION batch_announced_completed_at() RETURNS trigger LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NEW.announced_at IS NOT NULL AND OLD.announced_at IS NULL AND NEW.announced_completed_at IS NULL THEN
    NEW.announced_completed_at := (SELECT greatest(max(t.completed_at), NEW.created_at) FROM transactions t WHERE t.batch_id = NEW.id AND t.removed_at IS NULL);
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER batch_announced_completed_at BEFORE UPDATE OF announced_at ON batches
  FOR EACH ROW EXECUTE FUNCTION batch_announced_completed_at();
