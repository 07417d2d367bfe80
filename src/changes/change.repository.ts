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
 * Gives feed positions (`seq`) to committed changes, in id order, and returns how many it placed.
 *
 * Why a reader following `seq` can never skip a change: ids are handed out when a change is
 * inserted but committed in another order, so the feed is not ordered by id. Instead, positions are
 * given only here, to changes already committed (this statement cannot see others), by one
 * sequencer at a time: the caller holds the change_sequencer row lock (lockSequencer) for the
 * whole transaction, and this statement runs after the lock was granted, so it sees every earlier
 * pass. Each pass takes positions above all earlier ones and commits them at once, and a pass starts
 * only after the previous one committed; so the positions visible to any reader are always the
 * whole prefix 1..n, and a change committed late gets a position after everything already visible.
 * Two changes of one transaction row were inserted under that row's lock in commit order, so their
 * ids, and hence their positions, keep that order. Who runs the pass (a reader at the end of the
 * feed, the worker's notifier, the scheduler) changes none of this; a reader that reads a page in two
 * statements, before and after a pass, reads on after the last change of the first, which saw every
 * change of its integration in the prefix visible to it.
 */
export async function sequenceChanges(db: Queryable, lastSeq: number, limit: number): Promise<number> {
  // The ids go through an array so that the planner probes them one by one (it guesses ten elements):
  // joined to a row_number() subquery instead, it hashed them and scanned the whole table every pass.
  const { rowCount } = await db.query(
    `UPDATE changes c SET seq = $1 + next.n
       FROM unnest((SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM changes WHERE seq IS NULL ORDER BY id LIMIT $2) unsequenced))
            WITH ORDINALITY AS next (id, n)
      WHERE c.id = next.id`,
    [lastSeq, limit],
  );
  const placed = rowCount ?? 0;
  if (placed > 0) await db.query('UPDATE change_sequencer SET last_seq = last_seq + $1', [placed]);
  return placed;
}

/** Whether any committed change still waits for its position: one index probe, no lock. */
export async function hasUnsequencedChanges(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM changes WHERE seq IS NULL) AS waiting');
  return rows[0]?.waiting === true;
}

/**
 * Takes the sequencer's lock for this transaction and returns the last position handed out. Without
 * `wait` it returns undefined when another pass holds the lock; with it, it waits for that pass to
 * commit (up to the session's lock_timeout, which throws 55P03).
 */
export async function lockSequencer(db: Queryable, wait = false): Promise<number | undefined> {
  const { rows } = await db.query<{ last_seq: number }>(`SELECT last_seq FROM change_sequencer FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`);
  return rows[0]?.last_seq;
}

/** A change as the feed shows it, without its cursor, and its position. */
export interface ChangeRow {
  seq: number;
  change: Omit<ChangeView, 'cursor'>;
}

interface FeedRow extends TransactionRow {
  seq: number;
  type: ChangeType;
  account_id: string;
  occurred_at: string;
}

/**
 * One page of an integration's feed after position `afterSeq`, each change with its transaction as
 * it is now: the same columns and view as every other read of a transaction. (Built as JSON by the
 * database instead, a 1,000-change page cost more than these plain columns serialized by the API;
 * bench/README.md "feed".)
 */
export async function listChanges(db: Queryable, integrationId: number, afterSeq: number, limit: number): Promise<ChangeRow[]> {
  const { rows } = await db.query<FeedRow>({
    name: 'list-changes',
    text: `SELECT c.seq, c.type, a.external_id AS account_id,
                  ${isoInstant('c.occurred_at')} AS occurred_at, ${TRANSACTION_COLUMNS}
             FROM changes c
             JOIN transactions t ON t.id = c.transaction_pk
             JOIN accounts a ON a.id = c.account_id
            WHERE c.integration_id = $1 AND c.seq > $2
            ORDER BY c.seq
            LIMIT $3`,
    values: [integrationId, afterSeq, limit],
  });
  return rows.map((row) => ({
    seq: row.seq,
    change: { type: row.type, account_id: row.account_id, transaction_id: row.transaction_id, occurred_at: row.occurred_at, transaction: toTransactionView(row) },
  }));
}

/**
 * Drops placed changes older than the retention among the `window` oldest ids, and returns how many;
 * a cursor into them still reads on from there. The caller repeats while it drops any: the window
 * then slides past what was dropped. Only the age decides (`occurred_at` is checked on every row),
 * so a change younger than the retention is never removed, wherever its id is; one that is not
 * placed yet is left for the sequencer.
 */
export async function purgeChanges(db: Queryable, retentionDays: number, window: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM changes c
      USING (SELECT id FROM changes ORDER BY id LIMIT $2) oldest
      WHERE c.id = oldest.id AND c.seq IS NOT NULL AND c.occurred_at < now() - make_interval(days => $1)`,
    [retentionDays, window],
  );
  return rowCount ?? 0;
}
