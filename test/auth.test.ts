import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchBody, bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let acme: string;
let globex: string;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.key(['ingest', 'reports'], 'acme');
  globex = await ctx.key(['ingest', 'reports'], 'globex');
});
afterAll(() => ctx.close());

const ingest = (key: string | undefined, body: unknown) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/integrations/transactions/',
    headers: { 'content-type': 'application/json', ...(key ? bearer(key) : {}) },
    payload: JSON.stringify(body),
  });

describe('authentication (§2)', () => {
  it('when no key is sent, then 401 unauthorized with WWW-Authenticate: Bearer and nothing is stored', async () => {
    const response = await ingest(undefined, batchBody(1));
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await ctx.sql.query('SELECT count(*)::int AS n FROM transactions')).rows[0].n).toBe(0);
  });

  it('when an unknown key is sent, then 401', async () => {
    const response = await ingest('lucro_not-a-real-key', batchBody(1));
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('unauthorized');
  });

  it('when the scheme is written in another case, then the key is accepted', async () => {
    const response = await ctx.app.inject({ url: '/api/categories', headers: { authorization: `bEaReR ${acme}` } });
    expect(response.statusCode).toBe(200);
  });

  it('when another scheme is used, then 401', async () => {
    const response = await ctx.app.inject({ url: '/api/categories', headers: { authorization: `Basic ${acme}` } });
    expect(response.statusCode).toBe(401);
  });

  it('when keys are stored, then only their hashes are', async () => {
    const { rows } = await ctx.sql.query('SELECT key_hash, key_prefix FROM api_keys');
    for (const row of rows) {
      expect(Buffer.from(row.key_hash).toString('utf8')).not.toContain('lucro_');
      expect(row.key_prefix.length).toBeLessThan(20);
    }
    const all = JSON.stringify((await ctx.sql.query('SELECT * FROM api_keys')).rows);
    expect(all).not.toContain(acme.slice(10));
  });
});

describe('scopes (§2)', () => {
  it('when a key lacks the ingest scope, then POST is 403 forbidden and nothing is stored', async () => {
    const reportsOnly = await ctx.key(['reports'], 'acme');
    const response = await ingest(reportsOnly, batchBody(1, { accountId: 'ACC-SCOPE' }));
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('forbidden');
    expect((await ctx.sql.query(`SELECT count(*)::int AS n FROM accounts WHERE external_id = 'ACC-SCOPE'`)).rows[0].n).toBe(0);
  });

  it('when a key lacks the ingest scope, then reading a batch is 403 before any lookup, even for a malformed id', async () => {
    const reportsOnly = await ctx.key(['reports'], 'acme');
    const response = await ctx.app.inject({ url: '/api/batches/not-a-uuid', headers: bearer(reportsOnly) });
    expect(response.statusCode).toBe(403);
  });

  it('when a key lacks the reports scope, then the summary is 403', async () => {
    const ingestOnly = await ctx.key(['ingest'], 'acme');
    const response = await ctx.app.inject({ url: '/api/reports/account/ACC-001/summary', headers: bearer(ingestOnly) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('forbidden');
  });
});

describe('tenancy (§2)', () => {
  it('when two integrations each push ACC-001, then each owns its own account and neither sees the other', async () => {
    const a = await ingest(acme, batchBody(2, { accountId: 'ACC-001', currency: 'USD' }));
    const g = await ingest(globex, batchBody(2, { accountId: 'ACC-001', currency: 'EUR' }));
    expect(a.statusCode).toBe(202);
    expect(g.statusCode).toBe(202);
    const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM accounts WHERE external_id = 'ACC-001'`);
    expect(rows[0].n).toBe(2);
    // The same transaction ids in the other integration's account are not duplicates of these.
    expect(a.json().accepted).toBe(2);
    expect(g.json().accepted).toBe(2);
  });

  it("when an integration asks for another integration's batch, then 404, never 403", async () => {
    const batchId = (await ingest(acme, batchBody(1, { accountId: 'ACC-PRIVATE' }))).json().batch_id;
    const theirs = await ctx.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(globex) });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('not_found');
    const page = await ctx.app.inject({ url: `/api/batches/${batchId}/transactions`, headers: bearer(globex) });
    expect(page.statusCode).toBe(404);
    const mine = await ctx.app.inject({ url: `/api/batches/${batchId}`, headers: bearer(acme) });
    expect(mine.statusCode).toBe(200);
  });

  it("when an integration asks for another integration's account summary, then 404", async () => {
    await ingest(acme, batchBody(1, { accountId: 'ACC-ONLY-ACME' }));
    const response = await ctx.app.inject({ url: '/api/reports/account/ACC-ONLY-ACME/summary', headers: bearer(globex) });
    expect(response.statusCode).toBe(404);
  });
});

describe('rate limiting (§3)', () => {
  it('when an integration exceeds RATE_LIMIT_PER_SECOND, then 429 rate_limited with Retry-After, and another integration is unaffected', async () => {
    const limited = await createTestContext({ RATE_LIMIT_PER_SECOND: '2' });
    try {
      const one = await limited.key(['ingest'], 'busy');
      const two = await limited.key(['ingest'], 'quiet');
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await limited.app.inject({ url: '/api/categories', headers: bearer(one) })).statusCode);
      expect(codes.slice(0, 4)).toEqual([200, 200, 200, 200]);
      const rejected = await limited.app.inject({ url: '/api/categories', headers: bearer(one) });
      expect(rejected.statusCode).toBe(429);
      expect(rejected.json().code).toBe('rate_limited');
      expect(Number(rejected.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer(two) })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
