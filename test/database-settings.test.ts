import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { createPool } from '../src/infra/db.js';
import { migrate } from '../src/infra/migrate.js';
import type { FastifyInstance } from 'fastify';
import { batchBody, bearer, ingestBatch } from './helpers/context.js';
import { adminUrl, createTestDatabase, databaseUrlFor, type TestDatabase } from './helpers/database.js';
import { runLucro } from './helpers/processes.js';

/** A shared server's DBA may set any DateStyle on the database; what the API writes must not follow it. */
let db: TestDatabase;
let container: Container;
let app: FastifyInstance;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${db.name} SET datestyle = 'SQL, DMY'`);
  await admin.query(`ALTER DATABASE ${db.name} SET intervalstyle = 'sql_standard'`);
  await admin.end();
  container = await createContainer(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '0' }));
  app = await buildApp(container);
  await app.ready();
  key = (await container.auth.createKey('acme', ['ingest', 'reports'])).key;
});

afterAll(async () => {
  await app.close();
  await container.worker.stop().catch(() => {});
  await container.close();
  await db.drop();
});

describe('a database whose DateStyle is SQL, DMY', () => {
  it('when batches and transactions are read, then dates are YYYY-MM-DD and times ISO 8601 UTC, as everywhere else', async () => {
    const batchId = await ingestBatch({ app }, key, batchBody(1, { accountId: 'ACC-DMY' }));

    const batch = await app.inject({ url: `/api/batches/${batchId}`, headers: bearer(key) });
    expect(batch.statusCode).toBe(200);
    expect(batch.json().created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const listed = await app.inject({ url: '/api/batches', headers: bearer(key) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().batches.map((b: { batch_id: string }) => b.batch_id)).toEqual([batchId]);
    const accounts = await app.inject({ url: '/api/accounts', headers: bearer(key) });
    expect(accounts.statusCode).toBe(200);
    const transaction = await app.inject({ url: '/api/accounts/ACC-DMY/transactions/TX-1', headers: bearer(key) });
    expect(transaction.json().date).toBe('2026-11-01');
  });

  it('when DATABASE_URL carries options of its own, then Lucro\'s formats still apply beside them', async () => {
    const withOptions = `${db.url}?options=${encodeURIComponent('-c search_path=public')}`;
    const other = await createContainer(loadConfig({ DATABASE_URL: withOptions, LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '0' }));
    const otherApp = await buildApp(other);
    try {
      const transaction = await otherApp.inject({ url: '/api/accounts/ACC-DMY/transactions/TX-1', headers: bearer(key) });
      expect(transaction.json()).toMatchObject({ date: '2026-11-01', batch_id: expect.any(String) });
      const batch = await otherApp.inject({ url: `/api/batches/${transaction.json().batch_id}`, headers: bearer(key) });
      expect(batch.json().created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      await otherApp.close();
      await other.close();
    }
  });

  it('when keys are listed from the command line, then each shows its creation time', async () => {
    const { code, stdout } = await runLucro(['keys', 'list', '--json'], { DATABASE_URL: db.url });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ integration: 'acme', created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) })]);
  });
});

describe('a database created with an ICU collation (en-US)', () => {
  const name = `lucro_test_icu_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };

  it('when an account\'s transactions of one date are listed, then they go by transaction id in code-point order, page after page', async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    const pool = createPool(databaseUrlFor(name), { max: 2, queryTimeoutMs: 0 });
    const icu = await createContainer(loadConfig({ DATABASE_URL: databaseUrlFor(name), LOG_LEVEL: 'silent', ENRICHMENT_LATENCY_MS: '0' }));
    try {
      await migrate(pool);
      const icuApp = await buildApp(icu);
      const icuKey = (await icu.auth.createKey('acme', ['ingest', 'reports'])).key;
      const ids = ['T-b', 'T-B', 'T_1', 'T.1', 'T-1', 'T:1', 'T-a', 'T-A', 'TX-10', 'TX-9', 't-i'];
      await ingestBatch({ app: icuApp }, icuKey, {
        account: { account_id: 'ACC-ICU', currency: 'USD' },
        transactions: ids.map((id) => ({ transaction_id: id, date: '2026-11-02', amount: '-1.00' })),
      });
      const seen: string[] = [];
      for (let cursor: string | null = null, pages = 0; pages === 0 || cursor !== null; pages++) {
        const response = await icuApp.inject({ url: `/api/accounts/ACC-ICU/transactions?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(icuKey) });
        expect(response.statusCode).toBe(200);
        const page: { transactions: Array<{ transaction_id: string }>; next_cursor: string | null } = response.json();
        seen.push(...page.transactions.map((t) => t.transaction_id));
        cursor = page.next_cursor;
      }
      expect(seen).toEqual(['T-1', 'T-A', 'T-B', 'T-a', 'T-b', 'T.1', 'T:1', 'TX-10', 'TX-9', 'T_1', 't-i']);
      await icuApp.close();
    } finally {
      await icu.worker.stop().catch(() => {});
      await icu.close();
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }, 60_000);
});
