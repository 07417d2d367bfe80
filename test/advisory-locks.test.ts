import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { LOCK_NAMESPACE } from '../src/infra/advisory-locks.js';
import { migrate } from '../src/infra/migrate.js';
import { batchBody, bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest']);
});
afterAll(() => ctx.close());

describe('advisory-lock keyspace (issue 9, item 10)', () => {
  it('when another tool holds a one-number advisory lock equal to an idempotency key\'s old hash, then the request with that key is still served', async () => {
    const { rows } = await ctx.sql.query(`SELECT id FROM integrations WHERE name = 'acme'`);
    const other = await ctx.sql.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::bigint || ':' || $2, 0))`, [rows[0].id, 'shared-space']);
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/integrations/transactions/',
        headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': 'shared-space' },
        payload: JSON.stringify(batchBody(1, { accountId: 'ACC-LOCKS' })),
      });
      expect(response.statusCode).toBe(202);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
  });

  it('when another tool holds the one-number advisory lock the migrations used to take, then migrating still proceeds', async () => {
    const other = await ctx.sql.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7311004201)');
      expect(await migrate(ctx.container.pool)).toEqual([]);
    } finally {
      await other.query('SELECT pg_advisory_unlock(7311004201)');
      other.release();
    }
  });
});

describe('an account that many writes wait for', () => {
  it('when 30 writes wait for one account another process is writing to, then a process with 3 connections still serves other accounts, and each of them is 503 with Retry-After, storing nothing', async () => {
    const container = await createContainer(loadConfig({ DATABASE_URL: ctx.db.url, DATABASE_POOL_MAX: '3', LOG_LEVEL: 'silent' }));
    const app = await buildApp(container);
    const post = (accountId: string, id: string) =>
      app.inject({
        method: 'POST',
        url: '/api/integrations/transactions/',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        payload: JSON.stringify({ account: { account_id: accountId, currency: 'USD' }, transactions: [{ transaction_id: id, date: '2026-11-02', amount: '-1.00' }] }),
      });
    const other = await ctx.sql.connect();
    try {
      expect((await post('ACC-HOT', 'T-0')).statusCode).toBe(202);
      const { rows } = await ctx.sql.query(`SELECT id FROM accounts WHERE external_id = 'ACC-HOT'`);
      // Another API process is inside a long write to the account: it holds the account's write lock.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [LOCK_NAMESPACE.accountWrites, rows[0].id]);
      const waiting = Array.from({ length: 30 }, (_, i) => post('ACC-HOT', `T-${i + 1}`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Each waiting write used to hold one of the 3 connections: this one got none for 3 s and was 503.
      const cold = await post('ACC-COLD', 'T-1');
      expect(cold.statusCode).toBe(202);
      const answers = await Promise.all(waiting);
      await other.query('ROLLBACK');
      expect(new Set(answers.map((answer) => answer.statusCode))).toEqual(new Set([503]));
      for (const answer of answers) expect(answer.headers['retry-after']).toBe('5');
      const stored = await ctx.sql.query(`SELECT count(*)::int AS n FROM transactions WHERE account_id = $1`, [rows[0].id]);
      expect(stored.rows[0].n).toBe(1);
      // The account is free again: the next write goes through.
      expect((await post('ACC-HOT', 'T-31')).statusCode).toBe(202);
    } finally {
      other.release();
      await app.close();
      await container.close();
    }
  });
});

describe('an idempotent retry while the account is busy', () => {
  it('when a finished request is retried while another write waits for its account, then the retry is replayed at once, ahead of that write', async () => {
    const post = (id: string, idempotencyKey?: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/integrations/transactions/',
        headers: { ...bearer(key), 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        payload: JSON.stringify({ account: { account_id: 'ACC-BUSY-REPLAY', currency: 'USD' }, transactions: [{ transaction_id: id, date: '2026-11-02', amount: '-1.00' }] }),
      });
    const first = await post('T-1', 'replay-key');
    expect(first.statusCode).toBe(202);
    const { rows } = await ctx.sql.query(`SELECT id FROM accounts WHERE external_id = 'ACC-BUSY-REPLAY'`);
    const other = await ctx.sql.connect();
    try {
      // Another process writes to the account; a write of this process waits for it, holding the account's turn here.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [LOCK_NAMESPACE.accountWrites, rows[0].id]);
      const answered: string[] = [];
      const waiting = post('T-2').then((response) => answered.push(`write ${response.statusCode}`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const replay = await post('T-1', 'replay-key');
      answered.push(`replay ${replay.statusCode}`);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      await other.query('ROLLBACK');
      await waiting;
      expect(answered).toEqual(['replay 202', 'write 202']);
    } finally {
      other.release();
    }
  });
});
