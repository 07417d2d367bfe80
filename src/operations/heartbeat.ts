import os from 'node:os';
import type pg from 'pg';
import { Every } from '../infra/every.js';
import type { Logger } from '../infra/logger.js';
import { beat, markStopped, type HeartbeatRow } from './operations.repository.js';

/**
 * Whether a process of `role` runs the scheduler's sweep: a scheduler and `lucro start` do, and a
 * worker whose queue lives inside it (no Redis), which has no queue to hear from and sweeps for
 * pending work itself.
 */
export function sweepsAsRole(role: string, queueInProcess: boolean): boolean {
  return role === 'start' || role === 'scheduler' || (role === 'worker' && queueInProcess);
}

/** How often a process refreshes its row; `lucro status` counts a process alive while its row is fresh (ALIVE_WITHIN_SECONDS). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Keeps this process's row in `worker_heartbeats` fresh. A failed beat (the database away) is
 * logged quietly and tried again at the next interval: it never stops the process.
 */
export class Heartbeat {
  private readonly loop: Every;
  private readonly row: HeartbeatRow;

  constructor(
    private readonly pool: pg.Pool,
    logger: Logger,
    role: string,
    concurrency: number | null,
    sweeps: boolean,
  ) {
    const hostname = os.hostname();
    this.row = { id: `${hostname}:${process.pid}`, role, hostname, pid: process.pid, concurrency, sweeps };
    let starting = true;
    // Caught here, not reported as Every's outages: the components doing the work already say the database is away.
    const tick = () =>
      beat(this.pool, this.row, starting).then(
        () => {
          starting = false;
        },
        (error: unknown) => logger.debug({ err: error }, 'heartbeat failed; retrying at the next interval'),
      );
    this.loop = new Every(tick, logger, HEARTBEAT_INTERVAL_MS, 'heartbeat failed; retrying at the next interval', 0);
  }

  /** Beats at once, then every HEARTBEAT_INTERVAL_MS. */
  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    // A beat still in flight would otherwise clear the mark: the loop's stop waits for it.
    await this.loop.stop();
    await markStopped(this.pool, this.row.id).catch(() => {});
  }
}
