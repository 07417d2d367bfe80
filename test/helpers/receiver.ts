import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  /** The body exactly as it arrived, for signature checks. */
  raw: string;
  body: { id: string; type: string; created_at: string; data: Record<string, unknown> };
  /** When the request arrived (Date.now()). */
  at: number;
}

/** What the receiver does with the n-th request (0-based): answer a status, or never answer. */
export type Behaviour = (n: number, received: ReceivedWebhook) => number | 'hang';

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request; answers 200 unless told otherwise. */
export async function startReceiver(behaviour: Behaviour = () => 200): Promise<Receiver> {
  let current = behaviour;
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry = { headers: request.headers, raw, body: JSON.parse(raw), at: Date.now() };
      received.push(entry);
      const answer = current(received.length - 1, entry);
      if (answer !== 'hang') response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    behave(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
