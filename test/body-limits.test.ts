import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/context.js';
import { freePort, startLucro, testRedisUrl, type LucroProcess } from './helpers/processes.js';

// The API runs as its own process with a heap far below a pod's 512 Mi, as a body bomb would find it.
let ctx: TestContext;
let api: LucroProcess;
let port: number;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest']);
  port = await freePort();
  api = startLucro(['api'], {
    DATABASE_URL: ctx.db.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: `lucro_test_bodies_${port}`,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--max-old-space-size=256',
  });
  await waitUntilListening();
}, 90_000);

afterAll(async () => {
  api?.child.kill('SIGTERM');
  await api?.exited;
  await ctx?.close();
});

async function waitUntilListening(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await send('GET', '/healthz').then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the API did not come up');
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a real socket; `body` chunks are streamed one by one, without Content-Length unless given. */
function send(method: string, path: string, chunks: Buffer[] = [], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    let index = 0;
    const writeMore = (): void => {
      while (index < chunks.length) {
        if (!request.write(chunks[index++])) {
          request.once('drain', writeMore);
          return;
        }
      }
      request.end();
    };
    writeMore();
  });
}

/** `{"account":…,"transactions":[item,item,…]}` filling `bytes`, in 1 MiB chunks. */
function listBody(item: string, bytes: number): Buffer[] {
  const head = '{"account":{"account_id":"ACC-BOMB","currency":"USD"},"transactions":[';
  const count = Math.floor((bytes - head.length - 2) / (item.length + 1));
  const text = head + Array.from({ length: count }, () => item).join(',') + ']}';
  const buffer = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += 1 << 20) chunks.push(buffer.subarray(offset, offset + (1 << 20)));
  return chunks;
}

const json = { 'content-type': 'application/json' };

describe('body bombs against an API with a 256 MB heap (issue 9, items 1 and 4)', () => {
  const TEN_MIB = 10 * 1024 * 1024 - 64;
  for (const [name, item] of [
    ['{}', '{}'],
    ['1', '1'],
  ] as const) {
    for (const idempotent of [false, true]) {
      it(`when 10 MiB of ${name} items are posted ${idempotent ? 'with' : 'without'} an Idempotency-Key, then 413 batch_too_large and the API lives on`, async () => {
        const headers: Record<string, string> = { ...json, authorization: `Bearer ${key}` };
        if (idempotent) headers['idempotency-key'] = `bomb-${name}`;
        const answer = await send('POST', '/api/integrations/transactions/', listBody(item, TEN_MIB), headers);
        expect(answer.status).toBe(413);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'batch_too_large' });
        expect(api.child.exitCode).toBeNull();
        expect((await send('GET', '/healthz')).status).toBe(200);
      });
    }
  }

  it('when 10 MiB of 1 items are posted as ids to remove, then 400 validation_error at /transaction_ids and the API lives on', async () => {
    const head = Buffer.from('{"account_id":"ACC-BOMB","transaction_ids":[');
    const items = Buffer.from(Array.from({ length: 5_000_000 }, () => '1').join(','));
    const answer = await send('POST', '/api/integrations/transactions/remove', [head, items, Buffer.from(']}')], { ...json, authorization: `Bearer ${key}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'validation_error', errors: [{ pointer: '/transaction_ids' }] });
    expect(api.child.exitCode).toBeNull();
    expect((await send('GET', '/healthz')).status).toBe(200);
  });

  it('when 10 MiB of {} items are posted without an API key, then 401 and the API lives on', async () => {
    const answer = await send('POST', '/api/integrations/transactions/', listBody('{}', TEN_MIB), json).catch((error: Error) => error);
    if (!(answer instanceof Error)) expect(answer.status).toBe(401);
    expect(api.child.exitCode).toBeNull();
    expect((await send('GET', '/healthz')).status).toBe(200);
  });

  for (const framing of ['with Content-Length', 'chunked'] as const) {
    it(`when 12 MiB are streamed ${framing}, then the client reads 413 payload_too_large, not a broken pipe`, async () => {
      const chunks = Array.from({ length: 12 }, () => Buffer.alloc(1 << 20, 0x20));
      chunks[0] = Buffer.concat([Buffer.from('{"transactions":['), chunks[0] as Buffer]);
      const headers: Record<string, string> = { ...json, authorization: `Bearer ${key}` };
      if (framing === 'with Content-Length') headers['content-length'] = String(chunks.reduce((n, c) => n + c.length, 0));
      const answer = await send('POST', '/api/integrations/transactions/', chunks, headers);
      expect(answer.status).toBe(413);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'payload_too_large' });
      expect(api.child.exitCode).toBeNull();
    });
  }
});
