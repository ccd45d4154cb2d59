import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedisClient } from '../lib/redis.ts';
import { createApp } from '../web/app.ts';
import type { Services } from './services.ts';

interface WebProcess {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/** Serves the Express app; `stop` finishes in-flight requests and refuses new ones. */
export async function startWeb(services: Services, redis: RedisClient | null): Promise<WebProcess> {
  const app = createApp({ ...services, redis });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(services.config.PORT, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  services.logger.info({ port, baseUrl: services.config.BASE_URL }, 'web listening');
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
