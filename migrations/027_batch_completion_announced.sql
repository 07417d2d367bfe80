-- A batch's completed_at never goes back before the one its `batch.completed` event announced.
--
-- GET /api/batches/{id} works completed_at out from the batch's transactions as they are now. A
-- pending transaction modified later moves to the batch that carried the change, so the batch it
-- left read an earlier completed_at than its event had said (its created_at, when none was left).
-- `announced_completed_at` keeps the completed_at the event carried; GET answers no earlier.
-- Batches announced before this migration keep the derived value.
ALTER TABLE batches ADD COLUMN announced_completed_at timestamptz;
