import { expect, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { createContainer, type Container, type ContainerOverrides } from '../../src/container.js';
import type { Scope } from '../../src/auth/auth.service.js';
import { claimPendingOf, type ClaimedTransaction } from '../../src/enrichment/enrichment.repository.js';
import { buildApp } from '../../src/http/app.js';
import { createPool } from '../../src/infra/db.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { recordResponseDisagreements, validateResponsesAgainstDocument } from './openapi-validation.js';

export interface TestContext {
  db: TestDatabase;
  /** A direct connection for asserting database state. */
  sql: pg.Pool;
  container: Container;
  app: FastifyInstance;
  config: Config;
  /** Creates an API key for an integration (default `acme`) with the given scopes. */
  key(scopes?: Scope[], integration?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh migrated database, a container on it and the HTTP app, driven with app.inject.
 * `env` is the process environment the service would see; workers are not started unless asked.
 */
export async function createTestContext(env: Record<string, string> = {}, overrides: ContainerOverrides = {}): Promise<TestContext> {
  const db = await createTestDatabase(inject('templateDatabase'));
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ENRICHMENT_LATENCY_MS: '0', ...env });
  const container = await createContainer(config, overrides);
  const app = await buildApp(container);
  const overTheNetwork = recordResponseDisagreements(app);
  await app.ready();
  validateResponsesAgainstDocument(app);
  const sql = createPool(db.url, { max: 4, applicationName: 'lucro-test-assertions' });
  return {
    db,
    sql,
    container,
    app,
    config,
    async key(scopes: Scope[] = ['ingest', 'reports'], integration = 'acme') {
      return (await container.auth.createKey(integration, scopes)).key;
    },
    async close() {
      await app.close();
      const disagreements = overTheNetwork.disagreements();
      await container.worker.stop().catch(() => {});
      await container.close();
      await sql.end();
      await db.drop();
      if (disagreements.length > 0) throw new Error(`answers sent over the network disagree with the OpenAPI document:\n${disagreements.join('\n')}`);
    },
  };
}

/** A valid ingestion body with `count` transactions (ids TX-1…), overridable field by field. */
export function batchBody(
  count = 3,
  options: { accountId?: string; currency?: string; prefix?: string; amount?: (i: number) => string | number } = {},
): { account: Record<string, unknown>; transactions: Array<Record<string, unknown>> } {
  return {
    account: { account_id: options.accountId ?? 'ACC-001', currency: options.currency ?? 'USD', name: 'Everyday Checking', institution: 'Example Bank' },
    transactions: Array.from({ length: count }, (_, i) => ({
      transaction_id: `${options.prefix ?? 'TX'}-${i + 1}`,
      date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
      amount: options.amount ? options.amount(i) : `-${(i + 1) * 3}.50`,
      currency: options.currency ?? 'USD',
      merchant_name: 'Starbucks',
      description: `STARBUCKS STORE ${1000 + i} SEATTLE WA`,
    })),
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/** POSTs a batch through the API and returns its id, asserting the 202. */
export async function ingestBatch(context: Pick<TestContext, 'app'>, key: string, body: unknown): Promise<string> {
  const response = await context.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions/',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  if (response.statusCode !== 202) throw new Error(`expected 202, got ${response.statusCode}: ${response.body}`);
  return response.json().batch_id;
}

/** POSTs transactions of one USD account through the API; the answer is the test's to check. */
export function postTransactions(context: Pick<TestContext, 'app'>, key: string, accountId: string, transactions: Array<Record<string, unknown>>) {
  return context.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: { account: { account_id: accountId, currency: 'USD' }, transactions },
  });
}

/** A change of the feed (§12) as a consumer reads it. */
export interface FeedChange {
  cursor: string;
  type: string;
  account_id: string;
  transaction_id: string;
  transaction: Record<string, unknown>;
}

/** Follows next_cursor with pages of `limit` until the feed is at its end, asserting each page's 200. */
export async function followChanges(context: Pick<TestContext, 'app'>, key: string, cursor: string | undefined, limit: number): Promise<{ changes: FeedChange[]; cursor: string }> {
  const changes: FeedChange[] = [];
  let next = cursor;
  for (;;) {
    const response = await context.app.inject({ url: `/api/changes?limit=${limit}${next === undefined ? '' : `&cursor=${encodeURIComponent(next)}`}`, headers: bearer(key) });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    changes.push(...page.changes);
    next = page.next_cursor;
    if (page.changes.length === 0) return { changes, cursor: page.next_cursor };
  }
}

/**
 * Holds the first row of a batch locked (FOR UPDATE) in another database transaction while `during`
 * runs, as a concurrent post of the same ids or a correction does, then lets it go.
 */
export async function whileRowLocked(context: Pick<TestContext, 'sql'>, batchId: string, during: () => Promise<void>): Promise<void> {
  const holder = await context.sql.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM transactions WHERE batch_id = $1 ORDER BY id LIMIT 1 FOR UPDATE', [batchId]);
    await during();
    await holder.query('ROLLBACK');
  } finally {
    holder.release();
  }
}

/** Claims up to `limit` pending rows of one batch, as a worker's claim does. */
export async function claimPending(sql: pg.Pool, batchId: string, limit: number, leaseMs: number, claimToken: string): Promise<ClaimedTransaction[]> {
  return claimPendingOf(sql, [{ owner: { batchId }, limit }], leaseMs, claimToken);
}
