import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between product processes and a server they depend on (PostgreSQL), that a test can
 * cut and restore: an outage of that server for those processes only, while every other test
 * keeps using the shared one. Cut means what a stopped server means: open connections are reset
 * and new ones are refused.
 */
export class TcpProxy {
  readonly port: number;
  private readonly target: { host: string; port: number };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.target = target;
  }

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const server = createServer();
    await listen(server, port);
    const proxy = new TcpProxy((server.address() as { port: number }).port, target);
    proxy.serve(server);
    return proxy;
  }

  /** The same URL with its host and port pointing at this relay. */
  relayUrl(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString();
  }

  get isCut(): boolean {
    return this.server === null;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer();
    await listen(server, this.port);
    this.serve(server);
  }

  close(): Promise<void> {
    return this.cut();
  }

  private serve(server: Server): void {
    this.server = server;
    server.on('connection', (client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
