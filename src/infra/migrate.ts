import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Queryable } from './db.js';
import type { Logger } from './logger.js';
import { LOCK_NAMESPACE } from './advisory-locks.js';
import { sessionOptionsWithoutTimeouts } from './db.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** The migration files shipped with this build, in the order they apply. */
export async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort();
}

/**
 * How long a migration waits for one lock. Processes of the running release keep serving while it
 * runs, and every statement that needs a table or view the migration waits for queues behind its
 * request: held back longer than their own lock_timeout, they would answer 503. So a migration that
 * cannot get a lock within this gives way, waits, and tries again, a bounded number of times.
 */
const LOCK_TIMEOUT_MS = 1_000;
const LOCK_TRIES = 20;
/** PostgreSQL's lock_not_available: a lock wait reached lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * A data step SQL cannot do (merchant keys and features are computed in TypeScript), run after the
 * migrations in one transaction of the migrating connection, under the same lock and giving way to
 * locks as they do. The entry points pass rederiveLessonsStep.
 */
export interface AfterMigrations {
  /** What the step does, as its errors and log lines name it. */
  what: string;
  run(db: Queryable): Promise<unknown>;
}

export interface MigrateOptions {
  afterMigrations?: AfterMigrations;
}

/**
 * Applies the numbered plain-SQL migrations not yet applied, each in its own transaction, then the
 * `afterMigrations` step if one is given.
 * An advisory lock makes concurrent starts (api + worker + scheduler) safe. Each time a step gives
 * way to a lock another session holds, `logger` hears of it.
 */
export async function migrate(pool: pg.Pool, logger?: Logger, { afterMigrations }: MigrateOptions = {}): Promise<string[]> {
  const files = await migrationFiles();
  // Its own connection, without the request-path timeouts: a migration may legitimately run long.
  const client = new pg.Client({ ...pool.options, query_timeout: undefined, statement_timeout: undefined, options: sessionOptionsWithoutTimeouts(pool) });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1::int4, 0)', [LOCK_NAMESPACE.migrations]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    for (const name of files) {
      if (done.has(name)) continue;
      const sql = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
      await givingWay(client, `migration ${name}`, logger, async () => {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      });
      applied.push(name);
    }
    if (afterMigrations) await givingWay(client, afterMigrations.what, logger, () => afterMigrations.run(client));
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::int4, 0)', [LOCK_NAMESPACE.migrations]).catch(() => {});
    await client.end();
  }
  return applied;
}

/**
 * Runs `work` in one transaction that waits at most LOCK_TIMEOUT_MS for each lock; when one is not
 * granted in time, the transaction rolls back and is tried again after a pause (0.5 s, doubling, up
 * to 5 s), up to LOCK_TRIES times in all.
 */
async function givingWay(client: pg.Client, what: string, logger: Logger | undefined, work: () => Promise<unknown>): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await inTransaction(client, what, async () => {
        await client.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
        await work();
      });
      return;
    } catch (error) {
      const cause = (error as Error).cause as { code?: string } | undefined;
      if (cause?.code !== LOCK_NOT_AVAILABLE) throw error;
      if (tries === LOCK_TRIES) {
        throw new Error(
          `${what} gave way ${tries} times to locks other sessions held longer than ${LOCK_TIMEOUT_MS} ms each time; ` +
            'a long transaction is holding them (see pg_stat_activity): end it, or run migrate again when the database is quieter',
          { cause: error },
        );
      }
      logger?.warn({ step: what, tries }, 'a lock the migration needs is held by another session; gave way, trying again shortly');
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (tries - 1), 5_000)));
    }
  }
}

/** Runs `work` in one transaction of the migrating connection; a failure rolls it back and says what failed. */
async function inTransaction(client: pg.Client, what: string, work: () => Promise<unknown>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
}
