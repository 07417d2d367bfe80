import pg from 'pg';
import { AppError } from '../domain/errors.js';

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

export function createPool(databaseUrl: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 20,
    // An unreachable database must turn into a 503 within 5 s, not a hung request.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    query_timeout: options.queryTimeoutMs === 0 ? undefined : (options.queryTimeoutMs ?? 4_500),
    application_name: options.applicationName ?? 'lucro',
    // A transaction abandoned by a dead process frees its locks (and idempotency key) quickly.
    options: '-c idle_in_transaction_session_timeout=20000 -c statement_timeout=30000',
  });
  // A client losing its connection must not crash the process, idle or checked out: the query in
  // flight (if any) fails on its own, and the pool replaces the client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Runs `work` in one database transaction: all of it commits, or none of it does. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = isConnectionError(error);
    if (!broken) await client.query('ROLLBACK').catch(() => {});
    throw asUnavailable(error);
  } finally {
    // A client whose connection failed is destroyed, not handed to the next request.
    client.release(broken);
  }
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw asUnavailable(error);
  }
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** True for errors that mean "the database cannot be reached right now", not "the query is wrong". */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Query read timeout/i.test(error.message);
}

/** Maps a connection failure to the contract's 503; other errors pass through unchanged. */
export function asUnavailable(error: unknown): unknown {
  return isConnectionError(error) ? new AppError('service_unavailable', 'The database is unreachable; retry shortly.') : error;
}
