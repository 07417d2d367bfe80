import type pg from 'pg';
import { parseLimitParam } from '../domain/query-params.js';
import { withTransaction } from '../infra/db.js';
import { decodeChangeCursor, encodeChangeCursor } from './change.cursor.js';
import { hasUnsequencedChanges, listChanges, lockSequencer, purgeChanges, sequenceChanges } from './change.repository.js';
import type { ChangesQuery } from './change.schemas.js';

/** Changes placed per sequencer pass; a backlog is worked off over several passes. */
const SEQUENCE_BATCH = 20_000;

/** The change feed (contract §12). */
export class ChangeService {
  constructor(private readonly pool: pg.Pool) {}

  /** A page of the feed as JSON text (see listChanges in the repository for why it is text). */
  async listChanges(integrationId: number, query: ChangesQuery): Promise<string> {
    const limit = parseLimitParam(query.limit);
    const afterSeq = query.cursor === undefined ? 0 : decodeChangeCursor(query.cursor);
    // A reader places what has committed before reading, so the feed does not wait for the scheduler.
    await this.sequence();
    const rows = await listChanges(this.pool, integrationId, afterSeq, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const changes = page.map((row) => `{"cursor":${JSON.stringify(encodeChangeCursor(row.seq))},${row.json.slice(1)}`);
    const nextCursor = encodeChangeCursor(last ? last.seq : afterSeq);
    return `{"changes":[${changes.join(',')}],"next_cursor":${JSON.stringify(nextCursor)},"has_more":${rows.length > limit}}`;
  }

  /** One sequencer pass; skipped (0) when nothing waits or another process is running one. */
  async sequence(): Promise<number> {
    if (!(await hasUnsequencedChanges(this.pool))) return 0;
    return withTransaction(this.pool, async (client) => {
      const lastSeq = await lockSequencer(client);
      return lastSeq === undefined ? 0 : sequenceChanges(client, lastSeq, SEQUENCE_BATCH);
    });
  }

  async purge(retentionDays: number): Promise<number> {
    return purgeChanges(this.pool, retentionDays);
  }
}
