-- Finished webhook deliveries, and the events none is left for, are purged after
-- WEBHOOK_RETENTION_DAYS (src/webhooks/webhook.repository.ts, purgeFinishedDeliveries and
-- purgeDeliveredEvents): both tables grew by a row per batch and endpoint, forever.
--
-- The purge reads the oldest finished deliveries by creation; a pending one is never purged.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
-- An event is dropped once no delivery refers to it: that check, and the foreign key's on each
-- deleted event, read deliveries by their event.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_events_created ON webhook_events (created_at);
