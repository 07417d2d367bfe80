import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BODY_BYTES, postWebhook } from './sender.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A receiver that answers `status`, then writes 64 KiB chunks until the connection is closed on it; counts what it wrote. */
async function streamingReceiver(status: number): Promise<{ url: string; written: () => number; closed: Promise<void> }> {
  let written = 0;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (!response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
      };
      response.on('close', markClosed);
      pump();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, written: () => written, closed };
}

describe('sending a webhook', () => {
  it('when more deliveries than 64 go to one receiver at once, then each gets the receiver\'s prompt answer, none times out waiting for a socket', async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => setTimeout(() => response.writeHead(200).end(), 1_000));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const outcomes = await Promise.all(Array.from({ length: 80 }, () => postWebhook(url, '{}', { 'content-type': 'application/json' }, { timeoutMs: 1_900, allowPrivate: true })));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array.from({ length: 80 }, () => 200));
  });

  it('when the receiver answers 200 and then streams a body without end, then the attempt is delivered and the connection closed after a few KB, not read for the whole timeout', async () => {
    const receiver = await streamingReceiver(200);
    const outcome = await postWebhook(receiver.url, '{}', { 'content-type': 'application/json' }, { timeoutMs: 10_000, allowPrivate: true });
    expect(outcome).toMatchObject({ status: 200, error: undefined });
    await receiver.closed;
    // What the receiver managed to write before the sender hung up fills the loopback's socket
    // buffers (a few MB); read to the deadline it was gigabytes.
    expect(receiver.written()).toBeLessThan(1_000 * MAX_ANSWER_BODY_BYTES);
  });

  it('when the receiver answers 503 with an endless body, then the attempt fails with that status, and the connection is closed too', async () => {
    const receiver = await streamingReceiver(503);
    const outcome = await postWebhook(receiver.url, '{}', { 'content-type': 'application/json' }, { timeoutMs: 10_000, allowPrivate: true });
    expect(outcome).toMatchObject({ status: 503, error: 'receiver answered 503' });
    await receiver.closed;
  });

  it('when the receiver drops a kept-alive connection just as the next event reuses it, then that event goes again over a new connection and is delivered', async () => {
    // Answers the first request of each connection, and resets a connection on its second, as a
    // receiver closing idle connections does when a reused one races its close.
    let connections = 0;
    let answered = 0;
    const sockets = new Set<net.Socket>();
    const raw = net.createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      let requests = 0;
      socket.on('data', () => {
        requests += 1;
        if (requests === 1) {
          answered += 1;
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
        } else socket.resetAndDestroy();
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/hooks`;
      const send = () => postWebhook(url, '{}', { 'content-type': 'application/json' }, { timeoutMs: 5_000, allowPrivate: true });
      expect(await send()).toMatchObject({ status: 200, error: undefined });
      expect(await send()).toMatchObject({ status: 200, error: undefined });
      expect({ connections, answered }).toEqual({ connections: 2, answered: 2 });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
