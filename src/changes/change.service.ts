import type pg from 'pg';
import { parseLimitParam, unknownCursor } from '../domain/query-params.js';
import { withTransaction } from '../infra/db.js';
import { afterCommit, decodeChangeCursor, encodeChangeCursors } from './change.cursor.js';
import { hasUnsequencedChanges, lastPlacedPosition, listChanges, lockSequencer, purgeChanges, sequenceChanges, type ChangeRow } from './change.repository.js';
import type { ChangesPage, ChangesQuery } from './change.schemas.js';
import { CursorKeys } from './cursor-keys.js';

/** Commits placed per sequencer pass; a backlog is worked off over several passes. */
const SEQUENCE_BATCH = 5_000;
/** Oldest commits looked at per purge statement, and statements per purge (one maintenance sweep). */
const PURGE_WINDOW = 5_000;
const PURGE_ROUNDS = 20;
/** PostgreSQL's lock_not_available: a lock wait reached the session's lock_timeout. */
const LOCK_TIMEOUT = '55P03';

/** The change feed (contract §12). */
export class ChangeService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys = new CursorKeys(pool),
  ) {}

  /**
   * A page of the feed as the JSON bytes of its answer, stringified once: a page of a thousand
   * changes is ~650 kB, and as bytes its length is known without reading the string again (the
   * API's CPU profile showed Buffer.byteLength over the page when it was sent as a string).
   *
   * A page that fills from positions already handed out is only read: a consumer that is behind
   * competes with the writers for nothing but its reads (a pass before every page cost it most of
   * its share of two busy cores, bench/README.md "feed"). A page that reaches the end places what has
   * committed, waiting for a pass running elsewhere, and reads on: a change committed before the
   * request is in its answer, and a consumer that catches up places the backlog in one large pass.
   */
  async listChanges(integrationId: number, query: ChangesQuery): Promise<Buffer> {
    const limit = parseLimitParam(query.limit);
    const after = query.cursor === undefined ? afterCommit(0) : await decodeChangeCursor(this.keys, integrationId, query.cursor);
    const rows: ChangeRow[] = await listChanges(this.pool, integrationId, after, limit + 1);
    // The first read returned all of this integration's changes up to the prefix it saw, so reading
    // on after its last one leaves none out: positions only ever grow as a whole prefix.
    if (rows.length <= limit && (await this.placeCommitted())) {
      rows.push(...(await listChanges(this.pool, integrationId, rows.at(-1)?.position ?? after, limit + 1 - rows.length)));
    }
    // A cursor past every position placed was never handed out: reading on from it would skip what comes.
    if (rows.length === 0 && after.seq > (await lastPlacedPosition(this.pool))) {
      throw unknownCursor();
    }
    const page = rows.slice(0, limit);
    // Every cursor of the page, and the next one, sealed in one cipher call.
    const cursors = encodeChangeCursors(await this.keys.keyOf(integrationId), [...page.map((row) => row.position), page.at(-1)?.position ?? after]);
    const body: ChangesPage = {
      changes: page.map(({ change }, i) => ({ cursor: cursors[i] as string, ...change })),
      next_cursor: cursors.at(-1) as string,
      has_more: rows.length > limit,
    };
    return Buffer.from(JSON.stringify(body));
  }

  /** One sequencer pass; skipped (0) when nothing waits or another process is running one. */
  async sequence(): Promise<number> {
    if (!(await hasUnsequencedChanges(this.pool))) return 0;
    return withTransaction(this.pool, async (client) => {
      const lastSeq = await lockSequencer(client);
      return lastSeq === undefined ? 0 : sequenceChanges(client, lastSeq, SEQUENCE_BATCH);
    });
  }

  /** Drops the changes older than the retention, oldest first, a bounded number per call. */
  async purge(retentionDays: number): Promise<number> {
    let purged = 0;
    for (let round = 0; round < PURGE_ROUNDS; round++) {
      const dropped = await withTransaction(this.pool, async (client) => {
        // The planner cannot know that a commit holds a handful of changes, so it prices the statement
        // high enough to compile it, which costs ~40 times what running it does.
        await client.query('SET LOCAL jit = off');
        return purgeChanges(client, retentionDays, PURGE_WINDOW);
      });
      purged += dropped;
      if (dropped === 0) break;
    }
    return purged;
  }

  /** A pass that waits for one running elsewhere; whether anything may have been placed since the caller's read. */
  private async placeCommitted(): Promise<boolean> {
    if (!(await hasUnsequencedChanges(this.pool))) return false;
    try {
      await withTransaction(this.pool, async (client) => {
        const lastSeq = await lockSequencer(client, true);
        if (lastSeq !== undefined) await sequenceChanges(client, lastSeq, SEQUENCE_BATCH);
      });
    } catch (error) {
      // A pass elsewhere held the lock too long (a loaded machine): it is placing them; the next page reads them.
      if ((error as { code?: string }).code !== LOCK_TIMEOUT) throw error;
    }
    return true;
  }
}
