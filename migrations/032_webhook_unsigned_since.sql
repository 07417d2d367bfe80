-- Since when no worker could sign a delivery (their WEBHOOK_SECRET_KEY could not open the
-- endpoint's secrets): one left so for a whole retry window is failed. NULL once any attempt is
-- made or a retry is asked for, and for every delivery of a release before this one.
ALTER TABLE webhook_deliveries ADD COLUMN unsigned_since timestamptz;
