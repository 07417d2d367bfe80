import type { Queryable } from '../infra/db.js';
import type { ChangeView } from './change.schemas.js';
import { isoInstant, TRANSACTION_COLUMNS, toTransactionView, type TransactionRow } from '../transactions/transaction.repository.js';

export type ChangeType = 'transaction.added' | 'transaction.modified' | 'transaction.enriched' | 'transaction.corrected' | 'transaction.removed';

/**
 * Records one change per transaction, in the caller's database transaction, so a change exists
 * exactly when what it records was committed. Call it after the statement that changed (and so
 * locked) the rows: a later change of the same row then gets a larger id, which is the order the
 * sequencer keeps.
 */
export async function recordChanges(db: Queryable, type: ChangeType, transactionPks: number[]): Promise<void> {
  if (transactionPks.length === 0) return;
  await db.query(
    `INSERT INTO changes (integration_id, account_id, transaction_pk, type)
     SELECT a.integration_id, t.account_id, t.id, $2
       FROM unnest($1::bigint[]) WITH ORDINALITY AS p (pk, n)
       JOIN transactions t ON t.id = p.pk
       JOIN accounts a ON a.id = t.account_id
      ORDER BY p.n`,
    [transactionPks, type],
  );
}

/**
 * Gives feed positions (`seq`) to committed commits (a database transaction's changes of one
 * integration, `change_commits`, recorded by a statement trigger with the changes), and returns how
 * many it placed. A change's place in the feed is (its commit's position, its own id).
 *
 * Why a reader following that place can never skip a change: ids are handed out when a change is
 * inserted but committed in another order, so the feed is not ordered by id. Instead, positions are
 * given only here, to commits already committed (this statement cannot see others), by one
 * sequencer at a time: the caller holds the change_sequencer row lock (lockSequencer) for the
 * whole transaction, and this statement runs after the lock was granted, so it sees every earlier
 * pass. Each pass takes positions above all earlier ones and commits them at once, and a pass starts
 * only after the previous one committed; so the positions visible to any reader are always the
 * whole prefix 1..n, a commit's changes all become visible with its position, and a commit that
 * committed late gets a position after everything already visible.
 *
 * Why two changes of one transaction row keep their commit order: each change is inserted after the
 * statement that changed (and so locked) its row. If transaction B changes a row after A did, B
 * waited for A's commit before inserting its change, so that change's id, and hence B's largest id
 * (`last_id`), is above every id A handed out. B cannot be visible before A committed, so it is
 * placed in A's pass or a later one, and within a pass commits are placed by `last_id`.
 * Who runs the pass (a reader at the end of the feed, the worker's notifier, the scheduler) changes
 * none of this; a reader that reads a page in two statements, before and after a pass, reads on
 * after the last change of the first, which saw every change of its integration in the prefix
 * visible to it.
 */
export async function sequenceChanges(db: Queryable, lastSeq: number, limit: number): Promise<number> {
  // The ids go through an array so that the planner probes them one by one (it guesses ten elements).
  const { rowCount } = await db.query(
    `UPDATE change_commits g SET seq = $1 + next.n
       FROM unnest((SELECT array_agg(id ORDER BY last_id) FROM (SELECT id, last_id FROM change_commits WHERE seq IS NULL ORDER BY last_id LIMIT $2) unplaced))
            WITH ORDINALITY AS next (id, n)
      WHERE g.id = next.id`,
    [lastSeq, limit],
  );
  const placed = rowCount ?? 0;
  if (placed > 0) await db.query('UPDATE change_sequencer SET last_seq = last_seq + $1', [placed]);
  return placed;
}

/** Whether any committed change still waits for its position: one index probe, no lock. */
export async function hasUnsequencedChanges(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM change_commits WHERE seq IS NULL) AS waiting');
  return rows[0]?.waiting === true;
}

/**
 * Takes the sequencer's lock for this transaction and returns the last position handed out. Without
 * `wait` it returns undefined when another pass holds the lock; with it, it waits for that pass to
 * commit (up to the session's lock_timeout, which throws 55P03).
 */
/** The last position placed in the feed (of any integration): no cursor handed out is beyond it. */
export async function lastPlacedPosition(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>('SELECT last_seq FROM change_sequencer');
  return Number(rows[0]?.last_seq ?? 0);
}

export async function lockSequencer(db: Queryable, wait = false): Promise<number | undefined> {
  const { rows } = await db.query<{ last_seq: number }>(`SELECT last_seq FROM change_sequencer FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`);
  return rows[0]?.last_seq;
}

/**
 * A place in the feed: a commit's position and a change id within it. `{ seq, id: Infinity }` is
 * the place after all of commit `seq` (what a `transactions.changed` notification hands out).
 */
export interface FeedPosition {
  seq: number;
  id: number;
}

/** A change as the feed shows it, without its cursor, and its place. */
export interface ChangeRow {
  position: FeedPosition;
  change: Omit<ChangeView, 'cursor'>;
}

interface FeedRow extends TransactionRow {
  seq: number;
  change_id: number;
  type: ChangeType;
  account_id: string;
  occurred_at: string;
}

/**
 * One page of an integration's feed after `after`, each change with its transaction as it is now:
 * the same columns and view as every other read of a transaction. (Built as JSON by the database
 * instead, a 1,000-change page cost more than these plain columns serialized by the API;
 * bench/README.md "feed".) The page's changes are chosen first, narrow: the commits in position
 * order from their feed index and each one's changes, at most a page of them, from the changes'
 * primary key (joined plainly instead, the planner hashed every change of the integration and
 * sorted them). Only then are the page's transactions read, each once: sorting and caching the wide
 * rows as they were joined cost the query half its time.
 */
export async function listChanges(db: Queryable, integrationId: number, after: FeedPosition, limit: number): Promise<ChangeRow[]> {
  const { rows } = await db.query<FeedRow>({
    name: 'list-changes',
    text: `WITH page AS MATERIALIZED (
             SELECT g.seq, c.id, c.type, c.occurred_at, c.transaction_pk, c.account_id
               FROM change_commits g
              CROSS JOIN LATERAL (
                    SELECT c.id, c.type, c.occurred_at, c.transaction_pk, c.account_id FROM changes c
                     WHERE c.xid = g.xid AND c.integration_id = g.integration_id AND (g.seq > $2 OR c.id > $3)
                     ORDER BY c.id
                     LIMIT $4) c
              WHERE g.integration_id = $1 AND g.seq >= $2
              ORDER BY g.seq, c.id
              LIMIT $4
           )
           SELECT p.seq, p.id AS change_id, p.type, a.external_id AS account_id,
                  ${isoInstant('p.occurred_at')} AS occurred_at, ${TRANSACTION_COLUMNS}
             FROM page p
             JOIN transactions t ON t.id = p.transaction_pk
             JOIN accounts a ON a.id = p.account_id`,
    // A place after a whole commit compares above every id.
    values: [integrationId, after.seq, Number.isFinite(after.id) ? after.id : '9223372036854775807', limit],
  });
  // The page is chosen (ordered and cut) inside the query; its rows come back in any order and are
  // put in feed order here. Sorted by the database instead, no row was sent before all were sorted.
  rows.sort((a, b) => a.seq - b.seq || a.change_id - b.change_id);
  return rows.map((row) => ({
    position: { seq: row.seq, id: row.change_id },
    change: { type: row.type, account_id: row.account_id, transaction_id: row.transaction_id, occurred_at: row.occurred_at, transaction: toTransactionView(row) },
  }));
}

/**
 * Drops placed changes older than the retention from the `window` oldest commits, then those commits
 * once no change of theirs is left, and returns how many changes it dropped; a cursor into them
 * still reads on from there. The caller repeats while it drops any: the window then slides past what
 * was dropped. Only the age decides (`occurred_at` is checked on every change), so a change younger
 * than the retention is never removed, wherever its commit is; one that is not placed yet is left
 * for the sequencer.
 */
export async function purgeChanges(db: Queryable, retentionDays: number, window: number): Promise<number> {
  // Each due commit's changes are read by the key (its xid) and deleted by their row address: joined
  // to the window as a whole, the planner reads every change there is, at each sweep of each
  // scheduler. A commit row is written when its transaction starts, before any of its changes
  // (`now()` against `clock_timestamp()`), so a commit younger than the retention holds none to drop.
  const { rows } = await db.query<{ dropped: number; commits: number[] | null }>(
    `WITH oldest AS (
       SELECT id, xid, integration_id, created_at FROM change_commits WHERE seq IS NOT NULL ORDER BY id LIMIT $2
     ), due AS (
       SELECT o.id AS commit_id, c.row FROM oldest o
       CROSS JOIN LATERAL (
         SELECT ctid AS row FROM changes c
          WHERE c.xid = o.xid AND c.integration_id = o.integration_id AND c.occurred_at < now() - make_interval(days => $1)
         OFFSET 0
       ) c
       WHERE o.created_at < now() - make_interval(days => $1)
     ), dropped AS (
       DELETE FROM changes WHERE ctid = ANY (ARRAY(SELECT row FROM due)) RETURNING xid, integration_id
     )
     SELECT count(*)::int AS dropped, array_agg(DISTINCT o.id) AS commits FROM dropped d JOIN oldest o USING (xid, integration_id)`,
    [retentionDays, window],
  );
  const { dropped = 0, commits } = rows[0] ?? {};
  // A statement does not see its own deletes, so the commits it emptied go in a second one.
  if (commits) {
    await db.query(
      `DELETE FROM change_commits g
        WHERE g.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.xid = g.xid AND c.integration_id = g.integration_id)`,
      [commits],
    );
  }
  return dropped;
}
