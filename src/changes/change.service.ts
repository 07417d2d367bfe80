import type pg from 'pg';
import { parseLimitParam } from '../domain/query-params.js';
import { asUnavailable, withTransaction } from '../infra/db.js';
import { toTransactionView } from '../transactions/transaction.repository.js';
import { decodeChangeCursor, encodeChangeCursor } from './change.cursor.js';
import { listChanges, lockSequencer, purgeChanges, sequenceChanges } from './change.repository.js';
import type { ChangesPage, ChangesQuery } from './change.schemas.js';

/** Changes placed per sequencer pass; a backlog is worked off over several passes. */
const SEQUENCE_BATCH = 20_000;

/** The change feed (contract §12). */
export class ChangeService {
  constructor(private readonly pool: pg.Pool) {}

  async listChanges(integrationId: number, query: ChangesQuery): Promise<ChangesPage> {
    const limit = parseLimitParam(query.limit);
    const afterSeq = query.cursor === undefined ? 0 : decodeChangeCursor(query.cursor);
    try {
      // A reader places what has committed before reading, so the feed does not wait for the scheduler.
      await this.sequence();
      const rows = await listChanges(this.pool, integrationId, afterSeq, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        changes: page.map((row) => ({
          cursor: encodeChangeCursor(row.seq),
          type: row.type,
          account_id: row.account_external_id,
          transaction_id: row.transaction_id,
          occurred_at: row.occurred_at.toISOString(),
          transaction: toTransactionView(row),
        })),
        next_cursor: encodeChangeCursor(last ? last.seq : afterSeq),
        has_more: rows.length > limit,
      };
    } catch (error) {
      throw asUnavailable(error);
    }
  }

  /** One sequencer pass; skipped (0) when another process is running one. */
  async sequence(): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const lastSeq = await lockSequencer(client);
      return lastSeq === undefined ? 0 : sequenceChanges(client, lastSeq, SEQUENCE_BATCH);
    });
  }

  async purge(retentionDays: number): Promise<number> {
    return purgeChanges(this.pool, retentionDays);
  }
}
