import os from 'node:os';
import type pg from 'pg';
import type { Logger } from '../infra/logger.js';
import { beat, markStopped, type HeartbeatRow } from './operations.repository.js';

/** How often a process refreshes its row; `lucro status` counts a process alive while its row is fresh (ALIVE_WITHIN_SECONDS). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Keeps this process's row in `worker_heartbeats` fresh. A failed beat (the database away) is
 * logged quietly and tried again at the next interval: it never stops the process.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private readonly row: HeartbeatRow;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    role: string,
    concurrency: number | null,
  ) {
    const hostname = os.hostname();
    this.row = { id: `${hostname}:${process.pid}`, role, hostname, pid: process.pid, concurrency };
  }

  start(): void {
    let starting = true;
    const tick = () => {
      this.beating = beat(this.pool, this.row, starting)
        .then(() => {
          starting = false;
        })
        .catch((error: unknown) => this.logger.debug({ err: error }, 'heartbeat failed; retrying at the next interval'));
      this.timer = setTimeout(tick, HEARTBEAT_INTERVAL_MS);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A beat still in flight would otherwise clear the mark.
    await this.beating;
    await markStopped(this.pool, this.row.id).catch(() => {});
  }
}
