import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { rederiveLessons } from '../corrections/lessons.js';
import { LOCK_NAMESPACE } from './advisory-locks.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** The migration files shipped with this build, in the order they apply. */
export async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort();
}

/**
 * Applies the numbered plain-SQL migrations not yet applied, each in its own transaction, then
 * derives stored lessons again if the code derives them another way now (a data step SQL cannot
 * do: merchant keys and features are computed in TypeScript).
 * An advisory lock makes concurrent starts (api + worker + scheduler) safe.
 */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const files = await migrationFiles();
  // Its own connection, without the request-path timeouts: a migration may legitimately run long.
  const client = new pg.Client({ ...pool.options, query_timeout: undefined, statement_timeout: undefined, options: undefined });
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
      await inTransaction(client, `migration ${name}`, async () => {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      });
      applied.push(name);
    }
    // Lessons stored under an older way of deriving them are derived again (LESSON_DERIVATION).
    await inTransaction(client, 'deriving the stored lessons again', () => rederiveLessons(client));
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::int4, 0)', [LOCK_NAMESPACE.migrations]).catch(() => {});
    await client.end();
  }
  return applied;
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
