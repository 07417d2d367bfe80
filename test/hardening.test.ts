import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { batchBody, bearer, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
let key: string;
let port: number;
let sqlCheckouts = 0;

beforeAll(async () => {
  // Auth failures are not rate-limited here: the fuzz sends hundreds of them from one address.
  ctx = await createTestContext({ AUTH_FAILURES_PER_SECOND: '0' });
  key = await ctx.key(['ingest', 'reports']);
  ctx.container.pool.on('acquire', () => sqlCheckouts++);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  port = (ctx.app.server.address() as net.AddressInfo).port;
});
afterAll(() => ctx.close());

/** Every route the API serves, from Fastify's own table, with sample values for path parameters. */
function apiRoutes(): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const segments: string[] = [];
  for (const line of ctx.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (.*) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    segments.length = depth;
    segments.push(match[2] as string);
    const path = segments.join('');
    if (!path.startsWith('/api/')) continue;
    const concrete = path.replace(':batch_id', '00000000-0000-4000-8000-000000000000').replace(/:[a-z_]+/g, 'ACC-001');
    for (const method of (match[3] as string).split(', ')) routes.push({ method, path: concrete });
  }
  return routes;
}

/** `/api` with each of its characters percent-encoded in turn, in both cases, and all at once. */
function disguises(path: string): string[] {
  const rest = path.slice('/api'.length);
  return ['/%61pi', '/%41pi', '/a%70i', '/a%50i', '/ap%69', '/ap%49', '/%61%70%69', '/api'].map((prefix) => prefix + rest);
}

function expectProblem(response: { statusCode: number; headers: Record<string, unknown> }, statuses: number[]): void {
  expect(statuses).toContain(response.statusCode);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
}

/**
 * Sends raw bytes and returns the raw answer, once the server has answered and closed. The client
 * ends its side after sending unless `halfClose` is false (a client still holding a body back).
 */
function rawRequest(text: string, { halfClose = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => (halfClose ? socket.end(text) : socket.write(text)));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the auth gate (issue 9, item 2)', () => {
  it('when every /api route is called without a key under every disguise of its path, then 401 (or 404/405) problem+json and no SQL runs', async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const before = sqlCheckouts;
    for (const route of routes) {
      for (const path of disguises(route.path)) {
        for (const method of [route.method, 'HEAD']) {
          const response = await ctx.app.inject({ method: method as 'GET', url: path, headers: { 'content-type': 'application/json' }, payload: method === 'POST' || method === 'PATCH' ? JSON.stringify(batchBody(1)) : undefined });
          expectProblem(response, [401, 404, 405]);
        }
      }
    }
    expect(sqlCheckouts).toBe(before);
    expect(await ctx.sql.query('SELECT count(*)::int AS n FROM transactions').then((r) => r.rows[0].n)).toBe(0);
  });

  it('when /api is reached by a percent-encoded path, then it still needs a key: 401, not 200', async () => {
    const response = await ctx.app.inject({ url: '/%61pi/categories' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    const withKey = await ctx.app.inject({ url: '/%61pi/categories', headers: bearer(key) });
    expect(withKey.statusCode).toBe(200);
  });

  it('when absolute-form request targets are sent over a raw socket, then 401 or 404 problem+json and no SQL runs', async () => {
    const before = sqlCheckouts;
    for (const route of apiRoutes().filter((r) => r.method !== 'HEAD')) {
      for (const target of [`http://127.0.0.1:${port}${route.path}`, `http://example.com${disguises(route.path)[0]}`]) {
        const answer = await rawRequest(`${route.method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
        expect(answer).toMatch(/^HTTP\/1\.1 (401|404|405) /);
        expect(answer).toMatch(/content-type: application\/problem\+json/i);
      }
    }
    expect(sqlCheckouts).toBe(before);
  });
});

describe('framework errors as problem+json (issue 9, item 5)', () => {
  it('when bytes that are not HTTP follow a request in the same packet, then that request is answered first and its work kept, then 400', async () => {
    const body = JSON.stringify(batchBody(2, { accountId: 'ACC-JUNK' }));
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.write(
      `POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}GARBAGE\r\n\r\n`,
    );
    await new Promise((resolve) => socket.on('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    const second = answer.indexOf('HTTP/1.1 400 ');
    expect(second).toBeGreaterThan(0);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n', second) + 4))).toMatchObject({ status: 400, code: 'invalid_parameter' });
    const stored = await ctx.sql.query(`SELECT count(*)::int AS n FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id = 'ACC-JUNK'`);
    expect(stored.rows[0].n).toBe(2);
  });

  it('when /api answers, with data or a refusal, then it says Cache-Control: no-store, so no cache (a browser\'s own included) keeps a ledger', async () => {
    const accepted = await ctx.app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(batchBody(1, { accountId: 'ACC-NO-STORE' })) });
    const answers = [
      accepted,
      await ctx.app.inject({ url: `/api/batches/${accepted.json().batch_id}`, headers: bearer(key) }),
      await ctx.app.inject({ url: '/api/batches/00000000-0000-4000-8000-000000000000', headers: bearer(key) }),
      await ctx.app.inject({ url: '/api/categories' }),
      await ctx.app.inject({ url: '/api/nope', headers: bearer(key) }),
      await ctx.app.inject({ method: 'PUT', url: '/api/batches', headers: bearer(key) }),
      await ctx.app.inject({ url: '/api/batches/%E0%A4%A', headers: bearer(key) }),
    ];
    expect(answers.map((answer) => [answer.statusCode, answer.headers['cache-control']])).toEqual([
      [202, 'no-store'],
      [200, 'no-store'],
      [404, 'no-store'],
      [401, 'no-store'],
      [404, 'no-store'],
      [405, 'no-store'],
      [400, 'no-store'],
    ]);
  });

  it('when a client ends its side of the connection right after sending a batch, then it still gets the 202 for what was stored (RFC 9112: a half-close is no loss of interest)', async () => {
    const body = JSON.stringify(batchBody(2, { accountId: 'ACC-HALF' }));
    const answer = await rawRequest(
      `POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    const { batch_id: batchId } = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    const stored = await ctx.sql.query('SELECT count(*)::int AS n FROM transactions WHERE batch_id = $1', [batchId]);
    expect(stored.rows[0].n).toBe(2);
  });

  it('when the path holds bad percent-encoding, then 400 invalid_parameter problem+json', async () => {
    const response = await ctx.app.inject({ url: '/api/batches/%E0%A4%A', headers: { ...bearer(key), 'x-request-id': 'support-ticket-42' } });
    expectProblem(response, [400]);
    expect(response.json().code).toBe('invalid_parameter');
    // Named like every other answer, so the client can quote it to support.
    expect(response.headers['x-request-id']).toBe('support-ticket-42');
  });

  it.each([
    ['q=%FF', '/q'],
    ['q=100%zz', '/q'],
    ['q=%ED%A0%80', '/q'],
    ['limit=10&start_date=%E0%A4%A', '/start_date'],
  ])('when the query value %s is not percent-encoded UTF-8, then 400 invalid_parameter naming it, not a search for its raw text', async (query, pointer) => {
    const stored = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/transactions/',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { account: { account_id: 'ACC-RAW-QUERY', currency: 'USD' }, transactions: [{ transaction_id: 'PCT-1', date: '2026-01-05', amount: '-2.00', description: 'SALE 100%zz %FF OFF' }] },
    });
    expect(stored.statusCode).toBe(202);
    const response = await ctx.app.inject({ url: `/api/accounts/ACC-RAW-QUERY/transactions?${query}`, headers: bearer(key) });
    expectProblem(response, [400]);
    expect(response.json()).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer, message: expect.stringContaining('percent-encoded') }] });
    // The same text, encoded as it should be, is searched for.
    const encoded = await ctx.app.inject({ url: `/api/accounts/ACC-RAW-QUERY/transactions?q=${encodeURIComponent('100%zz')}`, headers: bearer(key) });
    expect(encoded.json().transactions.map((t: { transaction_id: string }) => t.transaction_id)).toEqual(['PCT-1']);
  });

  it('when a path parameter is longer than the router takes, then 414 problem+json with a contract code', async () => {
    const response = await ctx.app.inject({ url: `/api/batches/${'a'.repeat(600)}`, headers: bearer(key) });
    expectProblem(response, [414]);
    expect(response.json()).toMatchObject({ status: 414, code: 'invalid_parameter' });
  });

  it('when no route matches, then 404 not_found problem+json', async () => {
    const response = await ctx.app.inject({ url: '/nothing/here' });
    expectProblem(response, [404]);
    expect(response.json().code).toBe('not_found');
  });

  it('when a route exists under other methods only, then 405 problem+json with Allow', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/api/categories', headers: bearer(key) });
    expectProblem(response, [405]);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(response.json()).toMatchObject({ status: 405, code: 'not_found' });
    const put = await ctx.app.inject({ method: 'PUT', url: '/api/integrations/transactions/' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
  });

  it.each([
    { what: 'an HTTP/1.1 request has no Host header', account: 'ACC-NO-HOST', headers: '', status: 400, pointer: '/headers/host', says: 'required' },
    { what: 'Expect asks for something other than 100-continue', account: 'ACC-EXPECT', headers: 'Host: x\r\nExpect: 200-ok\r\n', status: 417, pointer: '/headers/expect', says: '100-continue' },
    { what: 'an HTTP/1.1 request has two Host headers', account: 'ACC-TWO-HOSTS', headers: 'Host: a.example\r\nHost: b.example\r\n', status: 400, pointer: '/headers/host', says: 'once' },
    { what: 'two Authorization headers are sent', account: 'ACC-TWO-KEYS', headers: 'Host: x\r\nAuthorization: Bearer lucro_not_this_one\r\n', status: 400, pointer: '/headers/authorization', says: 'once' },
  ])('when $what, then $status problem+json naming the header, and nothing is stored', async ({ account, headers, status, pointer, says }) => {
    const body = JSON.stringify(batchBody(1, { accountId: account }));
    const answer = await rawRequest(
      `POST /api/integrations/transactions/ HTTP/1.1\r\n${headers}Authorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
    expect(answer).toMatch(/\r\nx-request-id: \S+\r\n/i);
    const problem = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(problem).toMatchObject({ status, code: 'invalid_parameter' });
    expect(problem.errors).toEqual([{ pointer, message: expect.stringContaining(says) }]);
    const stored = await ctx.sql.query(`SELECT count(*)::int AS n FROM accounts WHERE external_id = $1`, [account]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('when a body declared over 10 MiB asks Expect: 100-continue, then 413 problem+json comes at once, without a 100', async () => {
    // No byte of the body is sent: the server answers and closes on the headers alone.
    const answer = await rawRequest(
      `POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${30 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`,
      { halfClose: false },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toMatch(/100 Continue/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('when a small body asks Expect: 100-continue, then it is asked for and stored', async () => {
    const body = JSON.stringify(batchBody(1, { accountId: 'ACC-CONTINUE' }));
    const answer = await rawRequest(
      `POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${body}`,
      { halfClose: false },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 /);
    const stored = await ctx.sql.query(`SELECT count(*)::int AS n FROM accounts WHERE external_id = 'ACC-CONTINUE'`);
    expect(stored.rows[0].n).toBe(1);
  });

  it('when a body declared as 10^12 bytes never comes, then 413 is answered at once and the connection closed', async () => {
    const answer = await rawRequest(
      `POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n`,
      { halfClose: false },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('when CONNECT is sent, then 405 problem+json and the connection closed (Node would close it without a word)', async () => {
    for (const target of ['/api/batches', 'example.com:443']) {
      const answer = await rawRequest(`CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 405 /);
      expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 405 });
    }
  });

  it('when a path climbs out of /docs/static or names a file it lacks, then 403 or 404 problem+json, not 500 or 405', async () => {
    const climbing = await rawRequest('GET /docs/static/%2e%2e/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(climbing).toMatch(/^HTTP\/1\.1 403 /);
    expect(JSON.parse(climbing.slice(climbing.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 403, code: 'forbidden' });
    for (const url of ['/docs/static/nope.css', '/console/nope.js']) {
      const missing = await ctx.app.inject({ url });
      expectProblem(missing, [404]);
      expect(missing.json()).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('when an HTTP/1.0 request has no Host header, then it is read (it needs none): here 401 for its missing key', async () => {
    expect(await rawRequest('GET /api/categories HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 401 /);
  });
});

const post = (body: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url: '/api/integrations/transactions/', headers: { ...bearer(key), 'content-type': 'application/json', ...headers }, payload: body });

describe('bodies that used to cost memory or answer 500 (issue 9, items 1 and 5)', () => {
  it('when 5000 fields are invalid, then 400 lists the first 100 and the detail counts all 5000', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ transaction_id: `T-${i}`, date: '2026-01-01', amount: 'abc' }));
    const response = await post(JSON.stringify({ account: { account_id: 'ACC-MANY', currency: 'USD' }, transactions: items }));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toHaveLength(100);
    expect(response.json().detail).toBe('The request has 5000 invalid field(s).');
  });

  it('when a batch holds 200000 empty items, then 413 batch_too_large names the true count', async () => {
    const response = await post(`{"account":{"account_id":"ACC-BIG","currency":"USD"},"transactions":[${Array.from({ length: 200_000 }, () => '{}').join(',')}]}`);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'batch_too_large', max_batch_size: 10_000 });
    expect(response.json().detail).toContain('200000');
  });

  it('when an unknown field nests 5000 levels deep, then 400 invalid_json, with or without an Idempotency-Key', async () => {
    const item = `{"transaction_id":"T-1","date":"2026-01-01","amount":"1.00","extra":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const body = `{"account":{"account_id":"ACC-DEEP","currency":"USD"},"transactions":[${item}]}`;
    for (const headers of [{}, { 'idempotency-key': 'deep' }] as Array<Record<string, string>>) {
      const response = await post(body, headers);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalid_json');
    }
  });

  it('when a date is 0000-01-01, then 400 at its pointer and nothing is stored', async () => {
    const body = batchBody(2, { accountId: 'ACC-YEAR0' });
    (body.transactions[1] as Record<string, unknown>).date = '0000-01-01';
    const response = await post(JSON.stringify(body));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ pointer: '/transactions/1/date', message: 'must be a real calendar date YYYY-MM-DD' }]);
    expect(await ctx.sql.query(`SELECT count(*)::int AS n FROM accounts WHERE external_id = 'ACC-YEAR0'`).then((r) => r.rows[0].n)).toBe(0);
  });

  it('when a summary is asked from 0000-01-01, then 400, not 500', async () => {
    const response = await ctx.app.inject({ url: '/api/reports/account/ACC-001/summary?start_date=0000-01-01', headers: bearer(key) });
    expect(response.statusCode).toBe(400);
  });
});

/** A small seeded generator, so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('property: depth, width and dates only ever answer 202 or 400 (issue 9, item 5)', () => {
  it('when bodies of random depth, width and date are posted, then each answer is 202, 400 or (past its values) 413, and 202 exactly when it is storable', async () => {
    const next = random(9);
    for (let run = 0; run < 60; run++) {
      const depth = Math.floor(next() * 120);
      const width = Math.floor(next() * 2_000);
      const year = String(Math.floor(next() * 3) === 0 ? 0 : Math.floor(next() * 9_999) + 1).padStart(4, '0');
      const month = String(Math.floor(next() * 14)).padStart(2, '0');
      const day = String(Math.floor(next() * 32)).padStart(2, '0');
      const wide = Object.fromEntries(Array.from({ length: width }, (_, i) => [`f${i}`, i % 2 ? `v${i}` : i]));
      const nested = `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const item = `{"transaction_id":"P-${run}","date":"${year}-${month}-${day}","amount":"-1.25","wide":${JSON.stringify(wide)},"nested":${nested}}`;
      const body = `{"account":{"account_id":"ACC-PROP-${run}","currency":"USD"},"transactions":[${item}]}`;
      const response = await post(body, run % 2 ? { 'idempotency-key': `prop-${run}` } : {});
      // Names, scalars and containers of this body, counted by hand: 20 fixed, two per nesting level and per wide field.
      const values = 20 + 2 * depth + 2 * width + (width === 0 ? 1 : 0);
      // Past 64 levels (3 around the nest) the body is refused before its values are counted; past 1,200 values (one transaction), counted and refused.
      const tooMany = depth + 3 <= 64 && values > 1_200;
      expect(tooMany ? [413] : [202, 400], `run ${run}: depth ${depth}, width ${width}, date ${year}-${month}-${day}`).toContain(response.statusCode);
      const dateOk = Number(year) >= 1 && Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && !Number.isNaN(Date.parse(`${year}-${month}-${day}T00:00:00Z`)) && new Date(`${year}-${month}-${day}T00:00:00Z`).getUTCDate() === Number(day);
      expect(response.statusCode === 202, `run ${run}: depth ${depth}, date ${year}-${month}-${day}`).toBe(dateOk && depth + 4 <= 64 && !tooMany);
    }
  });
});

describe('floods (issue 9, item 7)', () => {
  it('when no rate is configured, then requests are limited at 200 per second per integration, and auth failures per address', () => {
    const config = loadConfig({});
    expect(config.rateLimitPerSecond).toBe(200);
    expect(config.authFailuresPerSecond).toBeGreaterThan(0);
    expect(config.databasePoolMax).toBe(20);
    expect(loadConfig({ DATABASE_POOL_MAX: '7' }).databasePoolMax).toBe(7);
  });

  it('when one address floods bad keys, then it is answered 429 with Retry-After before any lookup, and neither other addresses nor a good key from it are', async () => {
    const limited = await createTestContext({ AUTH_FAILURES_PER_SECOND: '1', TRUST_PROXY: '127.0.0.1' });
    try {
      const good = await limited.key(['reports']);
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer(good) })).statusCode).toBe(200);
      let checkouts = 0;
      limited.container.pool.on('acquire', () => checkouts++);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await limited.app.inject({ url: '/api/categories', headers: bearer(`lucro_wrong-${i}`) })).statusCode);
      expect(codes).toEqual([401, 401, 429]);
      const seen = checkouts;
      const flood = await limited.app.inject({ url: '/api/categories', headers: bearer('lucro_wrong-again') });
      expectProblem(flood, [429]);
      expect(flood.json().code).toBe('rate_limited');
      expect(Number(flood.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(checkouts).toBe(seen);
      // A client with a good key behind the same address is not locked out with the flooder.
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer(good) })).statusCode).toBe(200);
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer('lucro_wrong-still') })).statusCode).toBe(429);
      const other = await limited.app.inject({ url: '/api/categories', headers: bearer('lucro_wrong'), remoteAddress: '10.9.8.7' });
      expect(other.statusCode).toBe(401);
      // Behind a trusted proxy, each forwarded client has its own allowance.
      const forwarded = await limited.app.inject({ url: '/api/categories', headers: { ...bearer('lucro_wrong'), 'x-forwarded-for': '203.0.113.5' } });
      expect(forwarded.statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('when a valid key is refused for its scope again and again, then each answer is 403 until its integration\'s own limit, not a flood from its address', async () => {
    const limited = await createTestContext({ AUTH_FAILURES_PER_SECOND: '1', RATE_LIMIT_PER_SECOND: '2', TRUST_PROXY: '127.0.0.1' });
    try {
      const reportsOnly = await limited.key(['reports']);
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ method: 'POST', url: '/api/integrations/transactions', headers: bearer(reportsOnly) })).statusCode);
      // A burst of twice the integration's 2/s, then its 429: the address's allowance of 1/s was never what answered.
      expect(codes).toEqual([403, 403, 403, 403, 429]);
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer('lucro_wrong'), remoteAddress: '10.9.8.7' })).statusCode).toBe(401);
      expect((await limited.app.inject({ url: '/api/categories', headers: bearer('lucro_wrong-again') })).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('when a client uploads one byte at a time, then the server ends the request instead of holding the connection', async () => {
    const slow = await createTestContext({ REQUEST_TIMEOUT_MS: '1000' });
    try {
      await slow.app.listen({ host: '127.0.0.1', port: 0 });
      const slowPort = (slow.app.server.address() as net.AddressInfo).port;
      const slowKey = await slow.key(['ingest']);
      const socket = net.connect(slowPort, '127.0.0.1');
      socket.write(`POST /api/integrations/transactions/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${slowKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      const drip = setInterval(() => socket.write('{'), 200);
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      await new Promise((resolve) => socket.on('close', resolve));
      clearInterval(drip);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/content-type: application\/problem\+json; charset=utf-8\r\n/i);
      expect(answer).toMatch(/^x-request-id: [0-9a-f-]{36}\r$/im);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, code: 'invalid_parameter' });
    } finally {
      await slow.close();
    }
  });
});
