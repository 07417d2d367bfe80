import type { Logger } from './logger.js';
import { OutageLog } from './outage-log.js';

/**
 * Runs a task again and again until stopped: the next run `intervalMs` after the last one ends, the
 * first `firstAfterMs` after start. A failed run is reported through an OutageLog (once per outage
 * of the database or Redis) and the task simply runs again.
 */
export class Every {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly outage: OutageLog;

  constructor(
    private readonly task: () => Promise<void>,
    logger: Logger,
    private readonly intervalMs: number,
    /** What a failed run is logged as. */
    private readonly failure: string,
    private readonly firstAfterMs = intervalMs,
  ) {
    this.outage = new OutageLog(logger);
  }

  start(): void {
    const run = () => {
      this.running = this.task()
        .then(() => this.outage.succeeded())
        .catch((error: unknown) => this.outage.failed(error, this.failure))
        .finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(run, this.intervalMs);
        });
    };
    this.timer = setTimeout(run, this.firstAfterMs);
  }

  /** No run starts after this; one running finishes before it resolves. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
