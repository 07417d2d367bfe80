import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseLimitParam } from '../domain/query-params.js';
import { withTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { decodeChangeCursor, encodeChangeCursor } from './change.cursor.js';
import { hasUnsequencedChanges, listChanges, lockSequencer, purgeChanges, sequenceChanges, type ChangeRow } from './change.repository.js';
import type { ChangesQuery } from './change.schemas.js';

/** Changes placed per sequencer pass; a backlog is worked off over several passes. */
const SEQUENCE_BATCH = 20_000;
/** How soon the background sequencer looks again while another process holds the sequencer's lock. */
const BUSY_RETRY_MS = 20;
/** PostgreSQL's lock_not_available: a lock wait reached the session's lock_timeout. */
const LOCK_TIMEOUT = '55P03';

type PassOutcome = 'placed' | 'idle' | 'busy';

/** The change feed (contract §12). */
export class ChangeService {
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger?: Logger,
  ) {}

  /**
   * A page of the feed as JSON text (see listChanges in the repository for why it is text).
   *
   * A page that fills from positions already handed out is only read: a consumer that is behind
   * competes with the writers for nothing but its reads, and the passes are the background
   * sequencer's (nudge). A page that reaches the end first places what has committed, waiting for a
   * pass running elsewhere, and reads on; so a change committed before the request is in its answer
   * even when no process nudged (the worker's enrichment) and nobody else runs passes.
   */
  async listChanges(integrationId: number, query: ChangesQuery): Promise<string> {
    const limit = parseLimitParam(query.limit);
    const afterSeq = query.cursor === undefined ? 0 : decodeChangeCursor(query.cursor);
    const rows: ChangeRow[] = await listChanges(this.pool, integrationId, afterSeq, limit + 1);
    // The first read returned all of this integration's changes up to the prefix it saw, so reading
    // on after its last one leaves none out: positions only ever grow as a whole prefix.
    if (rows.length <= limit && (await this.placeCommitted())) {
      rows.push(...(await listChanges(this.pool, integrationId, rows.at(-1)?.seq ?? afterSeq, limit + 1 - rows.length)));
    }
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

  /**
   * Asks for the changes this process just committed to be placed in the background, at once:
   * call it after each commit that recorded changes. Passes follow each other until nothing waits,
   * one at a time per process, so a feed reader's page is a plain read while writers commit.
   */
  nudge(): void {
    if (this.stopped) return;
    this.drainAgain = true;
    this.draining ??= this.drain()
      .catch((error: unknown) => this.logger?.warn({ err: error }, 'placing changes in the feed failed; readers and the next nudge place them'))
      .finally(() => {
        this.draining = undefined;
      });
  }

  /** Stops the background sequencer after its current pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  async purge(retentionDays: number): Promise<number> {
    return purgeChanges(this.pool, retentionDays);
  }

  private async drain(): Promise<void> {
    while (this.drainAgain && !this.stopped) {
      this.drainAgain = false;
      let outcome: PassOutcome;
      do outcome = await this.pass();
      while (outcome === 'placed' && !this.stopped);
      // Another process's pass may have started before our commit and so not place it: look again soon.
      if (outcome === 'busy') {
        this.drainAgain = true;
        await sleep(BUSY_RETRY_MS);
      }
    }
  }

  private async pass(): Promise<PassOutcome> {
    if (!(await hasUnsequencedChanges(this.pool))) return 'idle';
    return withTransaction(this.pool, async (client) => {
      const lastSeq = await lockSequencer(client);
      if (lastSeq === undefined) return 'busy';
      return (await sequenceChanges(client, lastSeq, SEQUENCE_BATCH)) > 0 ? 'placed' : 'idle';
    });
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
