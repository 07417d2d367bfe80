import pg from 'pg';

/** A query runner: a pool or a client inside a transaction. Repositories take one of these. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// Dates stay calendar strings (YYYY-MM-DD); pg would otherwise turn them into local-time Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint ids are far below 2^53 in practice, and numbers are easier for cursors and counts.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// numeric stays a string: money is never a JS float.

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /**
   * Client-side bound on one query, so a request cannot hang on a database that stopped answering
   * (a partition, not a refusal). 0 turns it off, for migrations and bulk maintenance.
   */
  queryTimeoutMs?: number;
}

/**
 * The server's own bounds, below the client's: when the client stops waiting, the server has
 * already given the statement up and released its row and rollup locks, instead of running on
 * for a caller that has gone (a claim committing with no worker left to hold its rows). A lock
 * wait gives up first, so the statement still has time to report it.
 */
export function serverTimeouts(queryTimeoutMs: number): { statementMs: number; lockMs: number } {
  return { statementMs: Math.floor(queryTimeoutMs * 0.8), lockMs: Math.floor(queryTimeoutMs * 0.6) };
}

/** DATABASE_QUERY_TIMEOUT_MS unless it is set. */
export const DEFAULT_QUERY_TIMEOUT_MS = 4_500;

/**
 * How values are written as text, whatever the database or role was set to (`ALTER DATABASE … SET
 * datestyle = 'SQL, DMY'` is an ordinary setting of a shared server): dates are read as the server
 * writes them (above), and pg parses timestamps and intervals only in these formats.
 */
const SESSION_FORMATS = '-c datestyle=ISO,YMD -c intervalstyle=postgres';

/**
 * An `options` parameter of the URL (`?options=-c search_path=lucro`) would replace the pool's
 * options whole (pg lets the URL win), and with them the formats and timeouts above: it is taken out
 * of the URL and ours are put after it, so both apply and ours win where they name the same setting.
 */
function withSessionOptions(databaseUrl: string): { url: string; theirs: string } {
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    return { url: databaseUrl, theirs: '' };
  }
  const theirs = parsed.searchParams.get('options');
  if (theirs === null) return { url: databaseUrl, theirs: '' };
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), theirs: `${theirs} ` };
}

/** Each pool's session options without its timeouts: a migration runs with them, and takes its time. */
const untimedOptions = new WeakMap<pg.Pool, string>();

export function sessionOptionsWithoutTimeouts(pool: pg.Pool): string {
  return untimedOptions.get(pool) ?? SESSION_FORMATS;
}

export function createPool(databaseUrl: string, options: PoolOptions = {}): pg.Pool {
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const server = serverTimeouts(queryTimeoutMs);
  const { url, theirs } = withSessionOptions(databaseUrl);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    // An unreachable database must turn into a 503 within 5 s, not a hung request.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    query_timeout: queryTimeoutMs === 0 ? undefined : queryTimeoutMs,
    application_name: options.applicationName ?? 'lucro',
    // A transaction abandoned by a dead process frees its locks (and idempotency key) quickly, and a
    // backend notices within a second that its client hung up.
    options:
      `${theirs}${SESSION_FORMATS} -c idle_in_transaction_session_timeout=20000 -c client_connection_check_interval=1000 ` +
      `-c statement_timeout=${server.statementMs} -c lock_timeout=${server.lockMs}`,
  });
  untimedOptions.set(pool, `${theirs}${SESSION_FORMATS}`);
  // A client losing its connection must not crash the process, idle or checked out: the query in
  // flight (if any) fails on its own, and the pool replaces the client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('release', (error: Error | undefined) => {
    if (!error) lastServedAt.set(pool, Date.now());
  });
  return pool;
}

/** When each pool last had a client handed back whose work went through. */
const lastServedAt = new WeakMap<pg.Pool, number>();

/**
 * Every connection is in use and requests are queued for one, but work went through within
 * `withinMs`: the database is serving, only busy. (A probe queued behind that work would time out
 * and call it unreachable, taking a loaded process out of service.)
 */
export function isBusyButServing(pool: pg.Pool, withinMs: number): boolean {
  return pool.waitingCount > 0 && Date.now() - (lastServedAt.get(pool) ?? 0) < withinMs;
}

/** No pooled connection came free within the pool's wait: every one is held by other work. */
export function isPoolExhausted(error: unknown): boolean {
  return error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);
}

/**
 * Runs `work` in one database transaction: all of it commits, or none of it does.
 *
 * A COMMIT whose answer does not arrive (the client's timeout, a dropped connection) may still have
 * committed. The caller must not be told "nothing was stored" for stored data, so the outcome is
 * asked of the server by transaction id: committed → the result, as if the answer had come;
 * aborted → the error; unknown (the server unreachable) → the error, and the data may be stored —
 * a client retrying with the same Idempotency-Key gets the first answer, and one retrying without
 * gets its rows back as duplicates.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const started = performance.now();
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    // Only a transaction that wrote has an id; one that only read has nothing to lose.
    const xid = (await client.query<{ xid: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS xid')).rows[0]?.xid ?? null;
    try {
      // The COMMIT's answer is awaited only as long as leaves time to ask how it ended, within the budget.
      const wait = Math.max(MIN_COMMIT_WAIT_MS, started + ANSWER_BUDGET_MS - OUTCOME_RESERVE_MS - performance.now());
      await client.query({ text: 'COMMIT', query_timeout: Math.round(wait) } as pg.QueryConfig);
    } catch (error) {
      if (xid === null || !isConnectionError(error) || serverGaveUp(error)) throw error;
      broken = true;
      if ((await transactionOutcome(pool, xid, OUTCOME_RESERVE_MS)) !== 'committed') throw error;
    }
    return result;
  } catch (error) {
    broken ||= isConnectionError(error) && !serverGaveUp(error);
    if (!broken) await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // A client whose connection failed is destroyed, not handed to the next request.
    client.release(broken);
  }
}

/** Tries of a transaction the server rolled back as a conflict (isRetryableConflict), the first included. */
const CONFLICT_TRIES = 3;

/**
 * withTransaction, run again when the server rolled it back whole as a deadlock victim or a
 * serialization failure: for work that touches nothing but the database. A conflict on the last
 * try is thrown (busy: answered 503 with Retry-After).
 */
export async function withRetriedTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await withTransaction(pool, work);
    } catch (error) {
      if (attempt >= CONFLICT_TRIES || !isRetryableConflict(error)) throw error;
      // A short random wait, so that the transactions that met do not meet again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * A transaction that writes answers within this of its start even when the database stops answering
 * (contract §9: 503 within 5 s), its COMMIT included: past it, an unknown outcome is an error.
 */
const ANSWER_BUDGET_MS = 4_500;
/** Kept from the budget to ask another connection how an unanswered COMMIT ended. */
const OUTCOME_RESERVE_MS = 1_000;
/** A COMMIT is never given less than this, however long the work before it took. */
const MIN_COMMIT_WAIT_MS = 1_000;

/** Asks the server, on another connection, how a transaction whose COMMIT went unanswered ended; unknown after `withinMs`. */
async function transactionOutcome(pool: pg.Pool, xid: string, withinMs: number): Promise<'committed' | 'aborted' | 'unknown'> {
  const deadline = performance.now() + withinMs;
  const ask = async (): Promise<'committed' | 'aborted' | 'unknown'> => {
    while (performance.now() < deadline) {
      try {
        const { rows } = await pool.query<{ status: string | null }>({
          text: 'SELECT pg_xact_status($1::xid8) AS status',
          values: [xid],
          query_timeout: Math.max(1, Math.round(deadline - performance.now())),
        } as pg.QueryConfig);
        const status = rows[0]?.status;
        if (status === 'committed' || status === 'aborted') return status;
      } catch {
        return 'unknown';
      }
      // Still in progress: the COMMIT is being written.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return 'unknown';
  };
  // Getting a connection may itself hang (a partition): the answer does not wait for it.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'unknown'>((resolve) => (timer = setTimeout(() => resolve('unknown'), withinMs)));
  try {
    return await Promise.race([ask(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How a connection fails when the server is not there: refused, reset, timed out, no route, a name
 * that does not resolve (now, EAI_AGAIN, or at all), the server shutting down (57P0x, including an
 * idle session it ended) or out of connections (53300), and PostgreSQL's connection exceptions (08).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
/**
 * Errors that mean the server is away only when connecting: a Unix socket (`?host=/var/run/postgresql`,
 * a cloud SQL proxy's) is a file that is gone (ENOENT) or not ours to open (EACCES) while the server is down.
 */
const UNAVAILABLE_WHEN_CONNECTING = new Set(['ENOENT', 'EACCES']);
/** The server gave a statement up itself (statement_timeout, lock_timeout): busy, not broken; the connection is fine. */
const SERVER_GAVE_UP_CODES = new Set(['57014', '55P03']);

function serverGaveUp(error: unknown): boolean {
  return SERVER_GAVE_UP_CODES.has((error as { code?: string } | undefined)?.code ?? '');
}

/** A deadlock victim (40P01) or a serialization failure (40001): the server rolled the statement back whole, so running it again is safe. */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * The database is there but gave up waiting (a lock held by a long write, an overloaded server), or
 * kept choosing this statement as a deadlock victim after it was run again: a subset of
 * isConnectionError. Busy, not broken: the same request later succeeds.
 */
export function isDatabaseBusy(error: unknown): boolean {
  return error instanceof Error && (serverGaveUp(error) || isRetryableConflict(error) || /Query read timeout/i.test(error.message));
}

/** PostgreSQL turned the connection down for what DATABASE_URL names: a database that does not exist (3D), a role or password it rejects (28). */
export function isRefusedLogin(error: unknown): error is Error {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(?:3D|28)/.test(code);
}

/**
 * True for errors that mean "the database cannot be reached (or serve this) right now", not "the
 * query is wrong". A refused login counts: to a request the database is unreachable (503) until the
 * configuration or the role is fixed, and the process recovers then without a restart.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isDatabaseBusy(error) || isRefusedLogin(error as unknown)) return true;
  const code = (error as { code?: string }).code;
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  if (code !== undefined && UNAVAILABLE_WHEN_CONNECTING.has(code) && (error as { syscall?: string }).syscall === 'connect') return true;
  return isPoolExhausted(error) || /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(error.message);
}

/**
 * A table or column this code reads does not exist (42P01, 42703): the database lacks migrations
 * this version needs — never migrated, or a new release running ahead of its migration job.
 */
export function isMissingMigration(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === '42P01' || code === '42703';
}

/**
 * The database is away for anything that runs again and again (a job, a poll): unreachable, or
 * without the migrations this version needs. Such a run waits and tries again; it is not at fault.
 */
export function isDatabaseAway(error: unknown): boolean {
  return isConnectionError(error) || isMissingMigration(error);
}

