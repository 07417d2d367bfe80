-- The change feed places commits, not changes (issue #13: the feed's lag while ingesting).
--
-- Until now the sequencer gave every change row its own position: a non-HOT UPDATE per change, so
-- each change was written twice, with four index entries in all, and a pass over a busy minute of
-- ingestion updated tens of thousands of rows while a consumer waited for it. Now every statement
-- that records changes also records, per integration, the database transaction it belongs to
-- (`change_commits`: its xid and its largest change id) by a statement trigger, and the sequencer
-- gives positions to those rows: one per ingested batch, one per enrichment write. A change's place
-- in the feed is (its commit's position, its id). src/changes/change.repository.ts says why a
-- reader following it can never skip a change, and why changes of one transaction row keep their
-- commit order.
CREATE TABLE change_commits (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xid             xid8 NOT NULL,
  integration_id  bigint NOT NULL,
  -- The commit's largest change id: commits placed in one pass are placed in this order.
  last_id         bigint NOT NULL,
  seq             bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (xid, integration_id)
);
-- The sequencer's queue.
CREATE INDEX change_commits_unplaced ON change_commits (last_id) WHERE seq IS NULL;
-- A consumer's page: its integration's commits after its cursor.
CREATE UNIQUE INDEX change_commits_feed ON change_commits (integration_id, seq) WHERE seq IS NOT NULL;

ALTER TABLE changes ADD COLUMN xid xid8;

-- Every change kept so far becomes a commit of its own, at the position it already has (so a
-- cursor handed out before this migration reads on where it was). Their xids are made up, above any
-- a real transaction gets (2^62 + id), and unique, which is all that is asked of them.
UPDATE changes SET xid = ((4611686018427387904::numeric + id)::text)::xid8;
INSERT INTO change_commits (xid, integration_id, last_id, seq, created_at)
SELECT xid, integration_id, id, seq, occurred_at FROM changes ORDER BY id;

ALTER TABLE changes
  ALTER COLUMN xid SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN xid SET NOT NULL,
  DROP CONSTRAINT changes_pkey,
  ADD PRIMARY KEY (xid, id);
DROP INDEX changes_unsequenced;
DROP INDEX changes_feed;
ALTER TABLE changes DROP COLUMN seq;

-- One commit row per statement and integration, merged within a transaction. A statement trigger
-- sees the statement's rows at once (a transition table), so it costs one INSERT per statement,
-- not one per change; a change that a savepoint rolls back takes its commit row with it.
CREATE FUNCTION record_change_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_commits (xid, integration_id, last_id)
  SELECT xid, integration_id, max(id) FROM recorded GROUP BY xid, integration_id
  ON CONFLICT (xid, integration_id) DO UPDATE SET last_id = greatest(change_commits.last_id, excluded.last_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER changes_commit AFTER INSERT ON changes
  REFERENCING NEW TABLE AS recorded
  FOR EACH STATEMENT EXECUTE FUNCTION record_change_commit();
