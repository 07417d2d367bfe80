import type pg from 'pg';
import { afterCommit, encodeChangeCursor } from '../changes/change.cursor.js';
import type { ChangeService } from '../changes/change.service.js';
import { withTransaction } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { Every } from '../infra/every.js';
import { advanceChangeMarks, lockDueChangeMarks, recordWebhookEvents } from './webhook.repository.js';

/** At most one `transactions.changed` per integration in this many seconds (contract §13). */
const CHANGE_WINDOW_SECONDS = 5;
/**
 * Events are recorded this much further apart than the window: two deliveries of them can be late
 * by different amounts (the deliverer's passes, the receiver's network), and a receiver must still
 * not get two within 5 s (events recorded 5.05 s apart can arrive 4.92 s apart).
 */
const DELIVERY_MARGIN_SECONDS = 1;
const TICK_MS = 1_000;
const MARKS_PER_TICK = 1_000;

/**
 * Turns an integration's new feed changes into one `transactions.changed` event per window,
 * carrying the §12 cursor of the last position notified: reading on from it gives every change
 * since. Recording the events and advancing the marks is one transaction, so a notification is
 * neither lost nor doubled when a process dies; several processes may tick at once.
 */
export class ChangeNotifier {
  private readonly loop: Every;

  constructor(
    private readonly pool: pg.Pool,
    private readonly changes: Pick<ChangeService, 'sequence'>,
    logger: Logger,
  ) {
    this.loop = new Every(async () => void (await this.tick()), logger, TICK_MS, 'transactions.changed notification failed; retrying');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: places committed changes in the feed, then notifies the integrations that are due. Returns how many were. */
  async tick(): Promise<number> {
    await this.changes.sequence();
    return withTransaction(this.pool, async (client) => {
      const due = await lockDueChangeMarks(client, CHANGE_WINDOW_SECONDS + DELIVERY_MARGIN_SECONDS, MARKS_PER_TICK);
      if (due.length === 0) return 0;
      await recordWebhookEvents(
        client,
        due.map((mark) => ({ integrationId: mark.integrationId, type: 'transactions.changed', data: { cursor: encodeChangeCursor(mark.cursorKey, afterCommit(mark.notifiedSeq)) } })),
      );
      await advanceChangeMarks(client, due.map((mark) => ({ integrationId: mark.integrationId, seq: mark.lastSeq })));
      return due.length;
    });
  }
}
