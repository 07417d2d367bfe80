import { Every } from '../infra/every.js';
import type { Logger } from '../infra/logger.js';
import type { SweepReport } from '../enrichment/maintenance.service.js';

/**
 * Runs a sweep every interval until stopped: the scheduler's whole maintenance sweep, or a worker's
 * lease reclaim (MaintenanceService.sweep, .reclaimLeases). A failed sweep is logged and retried.
 */
export class Scheduler extends Every {
  constructor(sweep: () => Promise<SweepReport>, logger: Logger, intervalMs: number) {
    super(
      async () => {
        const report = await sweep();
        if (report.reclaimed + report.redispatched + report.completedBatches > 0) logger.info(report, 'maintenance sweep');
      },
      logger,
      intervalMs,
      'maintenance sweep failed; retrying next interval',
      Math.min(1_000, intervalMs),
    );
  }
}
