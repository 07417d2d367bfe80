import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../src/webhooks/sender.js';
import { batchBody, bearer, createTestContext, ingestBatch, type TestContext } from './helpers/context.js';
import { waitFor } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

/** Without WEBHOOK_ALLOW_PRIVATE_URLS: the rules of §13 for URLs and addresses. */
let ctx: TestContext;
let key: string;
let hooks: Receiver;

beforeAll(async () => {
  ctx = await createTestContext({ WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'), WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_TIMEOUT_MS: '1000' });
  key = await ctx.key(['ingest']);
  hooks = await startReceiver();
});
afterAll(async () => {
  await ctx.close();
  await hooks.close();
});

const create = (url: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/webhooks', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify({ url, events: ['*'] }) });

describe('webhook URLs (§13)', () => {
  it('when a URL is loopback, private, link-local, metadata or a name resolving to loopback, then 400 invalid_webhook_url and nothing is stored', async () => {
    for (const url of [
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://localhost/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://192.168.0.10/hook',
      'https://100.64.0.1/hook',
      'https://2130706433/hook',
      'https://localhost./hook',
      'https://hooks.localhost/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://instance-data/latest/',
      'https://[64:ff9b:1::a00:1]/hook',
    ]) {
      const response = await create(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ code: 'invalid_webhook_url', errors: [{ pointer: '/url' }] });
    }
    // The detail names the kind of address, in English.
    expect((await create('https://[::]/hook')).json().detail).toContain('resolves to ::, an unspecified address');
    expect((await create('https://[fd00::1]/hook')).json().detail).toContain('resolves to fd00::1, a unique local');
    expect((await create('https://127.0.0.1/hook')).json().detail).toContain('resolves to 127.0.0.1, a loopback address');
    const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM webhook_endpoints');
    expect(rows[0].n).toBe(0);
  });

  it('when a URL is not https, carries credentials or is wrapped in spaces, then 400 invalid_webhook_url', async () => {
    for (const url of ['http://hooks.example.com/hook', 'ftp://hooks.example.com/', 'https://user:pass@hooks.example.com/hook', ' https://hooks.example.com/hook ']) {
      const response = await create(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().code).toBe('invalid_webhook_url');
    }
  });

  it('when an https URL names a public host, then it is registered', async () => {
    const response = await create('https://hooks.example.com/lucro');
    expect(response.statusCode).toBe(201);
    await ctx.app.inject({ method: 'DELETE', url: `/api/webhooks/${response.json().id}`, headers: bearer(key) });
  });

  it('when a registered name resolves to loopback at delivery time, then the attempt is refused before connecting', async () => {
    const created = await create('https://hooks.example.com/rebinding');
    const { id } = created.json();
    // As if the name's DNS record had been changed to point inside after registration.
    const port = new URL(hooks.url).port;
    await ctx.sql.query('UPDATE webhook_endpoints SET url = $2 WHERE id = $1', [id, `https://localhost:${port}/hooks`]);
    ctx.container.worker.start();
    ctx.container.webhookDeliverer.start();
    await ingestBatch(ctx, key, batchBody(1, { accountId: 'SSRF-1' }));
    const log = async () => (await ctx.app.inject({ url: `/api/webhooks/${id}/deliveries`, headers: bearer(key) })).json().deliveries;
    await waitFor(async () => (await log())[0]?.attempts >= 1 && (await log())[0]?.last_error !== null, 20_000, 'the refused attempt');
    const [delivery] = await log();
    expect(delivery).toMatchObject({ status: 'pending', last_response_status: null });
    // Refused by name; a name whose addresses are internal is refused as the tests of pinning below show.
    expect(delivery.last_error).toMatch(/localhost is a name for this machine/);
    expect(hooks.received).toHaveLength(0);
  });
});

describe('the connection is pinned to the checked address', () => {
  it('when the checking resolver answers an address, then the POST goes to that address, whatever else the name might resolve to', async () => {
    const port = new URL(hooks.url).port;
    const outcome = await postWebhook(`http://pinned.invalid:${port}/hooks`, '{"id":"evt_pin"}', { 'content-type': 'application/json' }, {
      timeoutMs: 2_000,
      allowPrivate: true,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(outcome).toMatchObject({ status: 200, error: undefined });
    expect(hooks.received.at(-1)?.body.id).toBe('evt_pin');
  });

  it('when a name resolves to a public and a private address, then it is refused', async () => {
    const before = hooks.received.length;
    const outcome = await postWebhook('https://mixed.invalid/hooks', '{}', {}, {
      timeoutMs: 2_000,
      allowPrivate: false,
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toBe('mixed.invalid resolves to 127.0.0.1, a loopback address');
    expect(hooks.received).toHaveLength(before);
  });
});
