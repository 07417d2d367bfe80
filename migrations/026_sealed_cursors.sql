-- The change feed's and webhook deliveries' cursors are sealed with a key of each integration's own.
--
-- Their numbers are shared by every integration (the feed's commit positions, deliveries' seq), so
-- cursors that held them in the clear let a client watch how fast the other integrations write:
-- the gap between two of its own cursors counts everybody's changes in between. Each integration
-- gets a random 128-bit key (src/domain/sealed-cursor.ts); a key never changes, so a cursor a
-- consumer stored stays good.
ALTER TABLE integrations ADD COLUMN cursor_key bytea NOT NULL DEFAULT uuid_send(gen_random_uuid())
  CHECK (length(cursor_key) = 16);

-- Cursors handed out before this migration are still read, up to where they could reach then: past
-- it, a made-up cursor of the old form could search out the shared numbers of new changes.
CREATE TABLE legacy_cursor_limits (
  only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  feed_seq       bigint NOT NULL,
  delivery_seq   bigint NOT NULL
);
INSERT INTO legacy_cursor_limits (feed_seq, delivery_seq)
SELECT (SELECT last_seq FROM change_sequencer), (SELECT coalesce(max(seq), 0) FROM webhook_deliveries);
