import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { runLucro, startLucro, testRedisUrl, waitFor, type LucroProcess } from './helpers/processes.js';

let db: TestDatabase;
const running: LucroProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(async () => {
  for (const process of running) process.child.kill('SIGKILL');
  await db?.drop();
});

/** .env.example's WEBHOOK_SECRET_KEY: public, so a process given it says so. */
const PLACEHOLDER_KEY = 'Y2hhbmdlLW1lLWNoYW5nZS1tZS1jaGFuZ2UtbWUtMzI=';
const PLACEHOLDER_ERROR = /^WEBHOOK_SECRET_KEY is the placeholder of \.env\.example/;

describe('what a role says as it starts', () => {
  it('when the API and a worker are given port 0, then each logs the port the system chose, which answers; given the placeholder key, each says so before serving', async () => {
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `roles-startup-${process.pid}`,
      WEBHOOK_SECRET_KEY: PLACEHOLDER_KEY,
      PORT: '0',
      METRICS_PORT: '0',
    };
    const api = startLucro(['api'], env);
    const worker = startLucro(['worker'], env);
    running.push(api, worker);
    const listening = await api.waitForLog((l) => String(l.msg).startsWith('API listening'), 60_000);
    const serving = await worker.waitForLog((l) => String(l.msg).startsWith('serving /metrics'), 60_000);
    for (const [process, line] of [
      [api, listening],
      [worker, serving],
    ] as const) {
      const url = String(line.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toMatch(/:0$/);
      expect(String(line.msg)).toContain(url);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const warned = process.lines.findIndex((l) => PLACEHOLDER_ERROR.test(String(l.msg)));
      expect(warned).toBeGreaterThanOrEqual(0);
      expect(process.lines[warned]).toMatchObject({ level: 50 });
      expect(warned).toBeLessThan(process.lines.indexOf(line));
    }
  }, 90_000);
});

describe('signals', () => {
  it('when the terminal of a running API closes (SIGHUP), then it drains and exits 0, as on SIGTERM', async () => {
    const api = startLucro(['api'], { DATABASE_URL: db.url, PORT: '0' });
    running.push(api);
    await api.waitForLog((l) => String(l.msg).startsWith('API listening'), 60_000);
    api.child.kill('SIGHUP');
    expect(await api.exited).toBe(0);
    expect(api.lines).toContainEqual(expect.objectContaining({ msg: 'draining', signal: 'SIGHUP' }));
  }, 90_000);
});

describe('lucro start without Redis', () => {
  it('when rows wait from before it started, however recent, then it hands them to its queue at once instead of after REDISPATCH_AFTER_MS', async () => {
    const created = await runLucro(['keys', 'create', '--integration', 'waiting', '--scopes', 'ingest', '--json'], { DATABASE_URL: db.url });
    const { key } = JSON.parse(created.stdout) as { key: string };
    // An API alone, without Redis: what it accepts waits in the database for a worker.
    const api = startLucro(['api'], { DATABASE_URL: db.url, PORT: '0' });
    running.push(api);
    const url = String((await api.waitForLog((l) => String(l.msg).startsWith('API listening'), 60_000)).url);
    const body = { account: { account_id: 'ACC-WAITING', currency: 'USD' }, transactions: [{ transaction_id: 'T-1', date: '2026-11-02', amount: '-4.00', merchant_name: 'Starbucks' }] };
    const accepted = await fetch(`${url}/api/integrations/transactions/`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(accepted.status).toBe(202);
    const { batch_id: batchId } = (await accepted.json()) as { batch_id: string };
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);

    const start = startLucro(['start'], { DATABASE_URL: db.url, PORT: '0', ENRICHMENT_LATENCY_MS: '0', REDISPATCH_AFTER_MS: '600000' });
    running.push(start);
    const startUrl = String((await start.waitForLog((l) => String(l.msg).startsWith('API listening'), 60_000)).url);
    await waitFor(
      async () => ((await (await fetch(`${startUrl}/api/batches/${batchId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { status: string }).status === 'completed',
      30_000,
      'the waiting batch to complete',
    );
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
  }, 120_000);
});

describe('TLS settings in DATABASE_URL', () => {
  it('when DATABASE_URL asks for TLS a server does not offer, or names a CA file that is not there, then migrate says which in one line and exits 1; api refuses to start', async () => {
    const tls = new URL(db.url);
    tls.searchParams.set('sslmode', 'verify-full');
    const missingCa = new URL(tls);
    missingCa.searchParams.set('sslrootcert', '/nonexistent/ca.pem');
    const [refused, unreadable, api] = await Promise.all([
      runLucro(['migrate'], { DATABASE_URL: tls.toString(), LOG_LEVEL: 'warn' }, 30_000),
      runLucro(['migrate'], { DATABASE_URL: missingCa.toString(), LOG_LEVEL: 'warn' }, 30_000),
      runLucro(['api'], { DATABASE_URL: missingCa.toString(), LOG_LEVEL: 'warn', PORT: '0' }, 30_000),
    ]);
    expect({ code: refused?.code, stderr: refused?.stderr }).toEqual({
      code: 1,
      stderr: 'lucro: TLS to the database failed (The server does not support SSL connections): check sslmode and sslrootcert in DATABASE_URL.\n',
    });
    const named = 'lucro: DATABASE_URL: sslrootcert /nonexistent/ca.pem cannot be read (ENOENT)\n';
    expect({ code: unreadable?.code, stderr: unreadable?.stderr }).toEqual({ code: 1, stderr: named });
    expect({ code: api?.code, stderr: api?.stderr }).toEqual({ code: 1, stderr: named });
  }, 60_000);
});
