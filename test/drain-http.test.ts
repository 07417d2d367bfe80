import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { batchBody, createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext | undefined;
afterAll(async () => {
  await ctx?.close().catch(() => {});
});

describe('the API while it drains (§3, §9)', () => {
  it('when a request arrives on a kept-alive connection after SIGTERM began the drain, then the one in flight finishes and the new one is a problem+json 503 with Retry-After', async () => {
    ctx = await createTestContext();
    const context = ctx;
    const key = await context.key(['ingest', 'reports']);
    await context.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = context.app.server.address() as net.AddressInfo;
    const body = JSON.stringify(batchBody(1, { accountId: 'DRAINING' }));

    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    // A batch whose body is still arriving when the drain begins: in flight, so the server keeps its connection.
    socket.write(`POST /api/integrations/transactions HTTP/1.1\r\nHost: lucro\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const draining = context.app.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The rest of it, and a second request behind it on the same connection.
    socket.write(`${body.slice(10)}GET /api/categories HTTP/1.1\r\nHost: lucro\r\nAuthorization: Bearer ${key}\r\n\r\n`);
    await closed;
    await draining;

    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 202 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(second).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(second?.slice(second.indexOf('\r\n\r\n') + 4) ?? '')).toMatchObject({ status: 503, code: 'service_unavailable', detail: 'The service is shutting down; retry shortly.' });
  });

  it('when a new connection arrives just after SIGTERM began the drain, then it is answered a problem+json 503 with Retry-After, not refused or reset', async () => {
    const draining = await createTestContext();
    try {
      await draining.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = draining.app.server.address() as net.AddressInfo;
      const closed = draining.app.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /api/categories HTTP/1.1\r\nHost: lucro\r\n\r\n'));
        let received = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toMatch(/\r\nretry-after: 5\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 503, code: 'service_unavailable' });
    } finally {
      await draining.close().catch(() => {});
    }
  });
});
