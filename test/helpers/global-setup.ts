import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { createPool } from '../../src/infra/db.js';
import { rederiveLessonsStep } from '../../src/corrections/lessons.js';
import { migrate } from '../../src/infra/migrate.js';
import { adminUrl, databaseUrlFor } from './database.js';

/**
 * Migrates one template database per version of the migrations; every test file then clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds instead of re-running migrations.
 */
export default async function setup({ provide }: { provide: (key: 'templateDatabase', value: string) => void }) {
  const dir = new URL('../../migrations/', import.meta.url);
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) hash.update(name).update(await readFile(new URL(name, dir)));
  const template = `lucro_template_${hash.digest('hex').slice(0, 12)}`;

  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(4242)');
    await ensureTemplate(admin, template);
    // Templates of older migrations are of no further use in CI. Elsewhere several checkouts with
    // different migrations may share one server, and dropping another's template would break its run.
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'lucro\\_template\\_%' AND datname::text NOT IN ($1::text, $1::text || '_wip')`,
      [template],
    );
    if (process.env.CI) for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => {});
  } finally {
    await admin.query('SELECT pg_advisory_unlock(4242)');
    await admin.end();
  }
  provide('templateDatabase', template);
}

/**
 * Creates the migrated template `name` unless it exists; the caller holds the advisory lock. A
 * `_wip` copy left by a run that crashed mid-migration is dropped first, or it would block every
 * later run.
 */
export async function ensureTemplate(admin: pg.Client, name: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount !== 0) return;
  await admin.query(`DROP DATABASE IF EXISTS ${name}_wip WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}_wip`);
  const pool = createPool(databaseUrlFor(`${name}_wip`), { max: 1 });
  try {
    await migrate(pool, undefined, { afterMigrations: rederiveLessonsStep });
  } finally {
    await pool.end();
  }
  await admin.query(`ALTER DATABASE ${name}_wip RENAME TO ${name}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
