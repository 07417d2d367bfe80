import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { migrate } from '../src/infra/migrate.js';
import { bearer } from './helpers/context.js';
import { databaseUrlFor } from './helpers/database.js';
import { databaseMigratedUpTo } from './helpers/upgrade.js';

const NAME = `lucro_test_migrate_locks_${process.pid}`;
let database: Awaited<ReturnType<typeof databaseMigratedUpTo>>;
let container: Container;

beforeAll(async () => {
  // The release before migration 029, still serving while the next one migrates.
  database = await databaseMigratedUpTo(NAME, '028_webhook_retention.sql');
  container = await createContainer(loadConfig({ DATABASE_URL: databaseUrlFor(NAME), LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await container?.close();
  await database?.drop();
});

describe('migrating while the previous release serves', () => {
  it('when a long transaction holds what a migration must lock, then the migration gives way and tries again instead of queueing the serving processes behind it, and applies once it is free', async () => {
    const app = await buildApp(container);
    const key = (await container.auth.createKey('acme', ['ingest'])).key;
    const body = { account: { account_id: 'ACC-MIGRATE', currency: 'USD' }, transactions: [{ transaction_id: 'T-1', date: '2026-11-02', amount: '-4.00' }] };
    const post = () => app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: body });
    expect((await post()).statusCode).toBe(202);

    // A report reading the batch.completed view, still open: migration 029 replaces that view.
    const reader = await database.pool.connect();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM webhook_batch_completed');
    const lines: string[] = [];
    const migrating = migrate(database.pool, pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }));
    try {
      await sleep(300);
      // All duplicates: complete on arrival, announced through that view while the migration waits for
      // it. Held back behind the migration's request until its own lock timeout, it would be a 503.
      const again = await post();
      expect(again.statusCode, again.body).toBe(202);
      expect(again.json()).toMatchObject({ status: 'completed', duplicates: 1 });
      await sleep(1_500);
    } finally {
      await reader.query('COMMIT');
      reader.release();
    }
    expect(await migrating).toContain('029_batch_completed_when_emptied.sql');
    const waits = lines.map((line) => JSON.parse(line) as { msg: string }).filter((l) => l.msg.startsWith('a lock the migration needs is held by another session'));
    expect(waits.length).toBeGreaterThanOrEqual(1);
    await app.close();
  }, 60_000);
});
