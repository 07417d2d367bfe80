import type { Logger } from '../infra/logger.js';
import { OutageLog } from '../infra/outage-log.js';
import type { SweepReport } from '../enrichment/maintenance.service.js';

/**
 * Runs a sweep every interval until stopped: the scheduler's whole maintenance sweep, or a worker's
 * lease reclaim (MaintenanceService.sweep, .reclaimLeases). A failed sweep is logged and retried.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly outage: OutageLog;

  constructor(
    private readonly sweep: () => Promise<SweepReport>,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {
    this.outage = new OutageLog(logger);
  }

  start(): void {
    const tick = () => {
      this.running = this.sweep()
        .then((report) => {
          this.outage.succeeded();
          if (report.reclaimed + report.redispatched + report.completedBatches > 0) this.logger.info(report, 'maintenance sweep');
        })
        .catch((error: unknown) => this.outage.failed(error, 'maintenance sweep failed; retrying next interval'))
        .finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(1_000, this.intervalMs));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
