import AsyncLock from 'async-lock';
import { AppError } from '../domain/errors.js';
import { DEFAULT_QUERY_TIMEOUT_MS, isConnectionError, isDatabaseBusy, isPoolExhausted, serverTimeouts } from './db.js';

/** How long a write that found the database unreachable makes the writes queued behind it fail at once. */
const OUTAGE_MEMORY_MS = 1_000;

/**
 * In one process, writes to one account (an ingestion, a removal, a correction) take turns before
 * they take a database connection. PostgreSQL serialises them anyway (`lockAccountWrites`), but a
 * write waiting there holds a pooled connection: a burst of hundreds at one account would hold every
 * connection of the process, and requests for other accounts would be answered 503 for want of one.
 * Here only the write whose turn it is holds a connection.
 *
 * A write waits for its turn at most `waitMs` (PostgreSQL's own lock wait, so no write waits longer
 * than it did), then is answered 503. When the database is unreachable, the writes queued behind
 * one that found it so fail at once rather than each waiting out its own connection attempt: §9's
 * 5 s holds for every one of them.
 */
export class AccountWriteTurns {
  private readonly turns: AsyncLock;
  /** When a write of each account last found the database unreachable. */
  private readonly outageAt = new Map<string, number>();

  constructor(waitMs: number) {
    this.turns = new AsyncLock({ timeout: waitMs, maxPending: Infinity });
  }

  /** Turns that wait as long as PostgreSQL's lock wait under `queryTimeoutMs` (DATABASE_QUERY_TIMEOUT_MS). */
  static forQueryTimeout(queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS): AccountWriteTurns {
    return new AccountWriteTurns(serverTimeouts(queryTimeoutMs).lockMs);
  }

  async run<T>(integrationId: number, accountId: string, write: () => Promise<T>): Promise<T> {
    const key = `${integrationId}:${accountId}`;
    let started = false;
    try {
      return await this.turns.acquire(key, async () => {
        started = true;
        const outage = this.outageAt.get(key);
        if (outage !== undefined && Date.now() - outage < OUTAGE_MEMORY_MS) {
          throw new AppError('service_unavailable', 'The database is unreachable; retry shortly.');
        }
        this.outageAt.delete(key);
        try {
          return await write();
        } catch (error) {
          // A busy database or a busy pool (no connection free in time) is no outage: the next write tries for itself.
          if (isConnectionError(error) && !isDatabaseBusy(error) && !isPoolExhausted(error)) this.outageAt.set(key, Date.now());
          throw error;
        }
      });
    } catch (error) {
      if (started) throw error;
      throw new AppError('service_unavailable', `Other writes to account ${accountId} are ahead of this one; retry shortly.`);
    }
  }
}
