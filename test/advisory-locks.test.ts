import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
