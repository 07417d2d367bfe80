import net from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, to play outages: `refuse()` drops every
 * connection and refuses new ones, `blackhole()` accepts and never answers, `restore()` heals.
 * `freeze()` keeps the connections open but carries nothing more on them (a half-open path after a
 * failover), and new ones are accepted and never answered; `thaw()` forwards new connections again
 * and leaves the frozen ones as they are.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Forwarded connections, client side and upstream side. */
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private mode: 'forward' | 'blackhole' = 'forward';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => {});
      if (this.mode === 'blackhole') return;
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  blackhole(): void {
    this.mode = 'blackhole';
    this.dropAll();
  }

  freeze(): void {
    this.mode = 'blackhole';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  thaw(): void {
    this.mode = 'forward';
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    this.dropAll();
    if (!this.server) await this.start(this.port);
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
