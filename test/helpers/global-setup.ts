import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { createPool } from '../../src/infra/db.js';
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
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}_wip`);
      const pool = createPool(databaseUrlFor(`${template}_wip`), { max: 1 });
      await migrate(pool);
      await pool.end();
      await admin.query(`ALTER DATABASE ${template}_wip RENAME TO ${template}`);
    }
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

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
