import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { createPool } from '../../src/infra/db.js';
import { migrationFiles } from '../../src/infra/migrate.js';
import { adminUrl, databaseUrlFor } from './database.js';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A new database `name` with the schema as a deployed system had it up to migration `last`,
 * applied as migrate() applies it, for tests of what later migrations do to its data.
 */
export async function databaseMigratedUpTo(name: string, last: string): Promise<{ pool: pg.Pool; drop(): Promise<void> }> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const pool = createPool(databaseUrlFor(name), { max: 2 });
  await pool.query('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const file of await migrationFiles()) {
    if (file > last) break;
    await pool.query(await readFile(new URL(`../../migrations/${file}`, import.meta.url), 'utf8'));
    await pool.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
  }
  return {
    pool,
    drop: async () => {
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
