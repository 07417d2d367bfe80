import { isDatabaseAway } from './db.js';
import type { Logger } from './logger.js';

/**
 * How a task that runs again and again (a sweep, a poll) reports its failures: while the database
 * or Redis is away, the first failure is a warning with its error, the ones after it only debug
 * lines, and the first success after them says the outage is over and how many runs it cost. Any
 * other error is a warning every time. A worker polling twice a second wrote two stack traces a
 * second for as long as an outage lasted. A database that lacks this version's migrations (a worker
 * started before `lucro migrate`) counts as away too.
 */
export class OutageLog {
  private failures = 0;

  constructor(private readonly logger: Logger) {}

  failed(error: unknown, message: string): void {
    if (!isDatabaseAway(error)) {
      this.logger.warn({ err: error }, message);
      return;
    }
    this.failures += 1;
    if (this.failures === 1) this.logger.warn({ err: error }, message);
    else this.logger.debug({ err: error, failures: this.failures }, message);
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures }, 'working again after the database or the queue was away');
    this.failures = 0;
  }
}
