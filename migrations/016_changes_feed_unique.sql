-- The change feed's positions (§12) need one unique index, not two. `seq UNIQUE` (migration 005)
-- held an entry for every change, NULL ones too, so ingestion wrote it for each change row and the
-- sequencer wrote it again beside changes_feed when it gave the position. The feed's own index,
-- made unique, still refuses a position given twice within an integration, which is what a
-- reader would see; the sequencer's lock (src/changes/change.repository.ts) is what keeps
-- positions unique overall. One index entry fewer per change row and per placed change.
ALTER TABLE changes DROP CONSTRAINT changes_seq_key;
DROP INDEX changes_feed;
CREATE UNIQUE INDEX changes_feed ON changes (integration_id, seq) WHERE seq IS NOT NULL;
