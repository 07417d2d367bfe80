-- A change's `occurred_at` is when it was recorded, not when its database transaction began.
--
-- Every change is inserted after the statement that changed (and locked) its transaction row
-- (change.repository.ts, recordChanges). A write that began early and then waited for that row
-- lock while another write changed the row and committed recorded its change with the earlier
-- time: the feed listed a transaction's changes in commit order with times going backwards
-- (found by an audit: `enriched` at .675, then `modified` at .660). The clock read at insert
-- time is later than every change of the same row committed before it.
ALTER TABLE changes ALTER COLUMN occurred_at SET DEFAULT clock_timestamp();
