import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { batchRows, reenrichmentRows, type EnrichClaimedRows } from './enrich-claimed-rows.js';
import { hasPendingRows, markBatchesCompleted } from './enrichment.repository.js';

/** After one slice: `more` when the work goes on in another job, `done` when nothing is left to hand on. */
export type SliceOutcome = 'more' | 'done';

/** How long a job whose claims skipped locked rows waits before it hands itself on to try again. */
const LOCKED_ROWS_PAUSE_MS = 250;

/**
 * Moves a batch or a re-enrichment on by one slice of its rows (one job's worth), and finishes it
 * once nothing of it is left. The job handlers call it and hand the work on when it says `more`.
 */
export class SliceService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly enrich: Pick<EnrichClaimedRows, 'workSlice'>,
    /** Stamps a re-enrichment completed (with its event) once its rows are all done. */
    private readonly finishReenrichment: (reenrichmentId: string) => Promise<void>,
  ) {}

  /** Enriches a slice of the batch's rows; once it is drained, stamps it completed (announcing it). */
  async advanceBatch(batchId: string): Promise<SliceOutcome> {
    if ((await this.enrich.workSlice(batchRows(batchId))) !== 'drained') return 'more';
    if ((await markBatchesCompleted(this.pool, [batchId])).length > 0) return 'done';
    return this.afterLockedRows('batch_id', batchId);
  }

  /** Enriches a slice of the re-enrichment's rows; once it is drained, finishes it. */
  async advanceReenrichment(reenrichmentId: string): Promise<SliceOutcome> {
    if ((await this.enrich.workSlice(reenrichmentRows(reenrichmentId))) !== 'drained') return 'more';
    await this.finishReenrichment(reenrichmentId);
    return this.afterLockedRows('reenrichment_id', reenrichmentId);
  }

  /**
   * A slice found nothing more it could claim, yet rows of its work may still wait: its claims
   * skipped rows another transaction held (a concurrent post of the same ids comparing them, a
   * correction, another process's claim). Then the work goes on shortly, after a pause, rather than
   * wait for the scheduler's sweep.
   */
  private async afterLockedRows(of: 'batch_id' | 'reenrichment_id', id: string): Promise<SliceOutcome> {
    if (!(await hasPendingRows(this.pool, of, id))) return 'done';
    await sleep(LOCKED_ROWS_PAUSE_MS);
    return 'more';
  }
}
