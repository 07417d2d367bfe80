-- Finished webhook deliveries, and the events none is left for, are purged after
-- WEBHOOK_RETENTION_DAYS (src/webhooks/webhook.repository.ts, purgeFinishedDeliveries and
-- purgeDeliveredEvents): both tables grew by a row per batch and endpoint, forever.
--
-- Events first: a process still serving records an event and then, by its fan-out trigger, its
-- deliveries; locking the tables in that order too, the migration never deadlocks with it. (Reading
-- deliveries by their event needs nothing new: UNIQUE (event_id, endpoint_id) leads with it.)
CREATE INDEX webhook_events_created ON webhook_events (created_at);
-- The purge reads the oldest finished deliveries by creation; a pending one is never purged.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';

-- Which way a correction's lesson was derived (LESSON_DERIVATION, src/corrections/lessons.ts). A
-- process of the previous release, serving during a rolling upgrade after the migration, writes
-- lessons its way and leaves this empty: the scheduler's sweep derives those again.
ALTER TABLE corrections ADD COLUMN derivation smallint;
CREATE INDEX corrections_underived ON corrections (integration_id) WHERE derivation IS NULL;
