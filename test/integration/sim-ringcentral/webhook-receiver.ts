/**
 * A WebHook endpoint for the simulator tests: answers the Validation-Token handshake (or not, or
 * too verbosely, as a test asks), records every notification with its headers, and can answer
 * notifications with any status.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  handshakes: number;
  received: Received[];
  /** How the next handshakes are answered. */
  handshakeMode: 'echo' | 'no-header' | 'oversize';
  /** Status for notifications. */
  status: number;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    handshakes: 0,
    received: [],
    handshakeMode: 'echo',
    status: 200,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > until)
          throw new Error(`expected ${count} notifications, got ${receiver.received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return receiver.received;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = req.headers['validation-token'];
      if (typeof token === 'string') {
        receiver.handshakes++;
        if (receiver.handshakeMode !== 'no-header') res.setHeader('Validation-Token', token);
        if (receiver.handshakeMode === 'oversize') res.setHeader('X-Padding', 'x'.repeat(1200));
        res.setHeader('Content-Type', 'application/json');
        res.end();
        return;
      }
      receiver.received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.statusCode = receiver.status;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
