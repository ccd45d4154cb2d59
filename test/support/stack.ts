import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Clock } from '../../src/lib/clock.ts';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { connectRedis, type RedisClient } from '../../src/lib/redis.ts';
import { buildServices, type Services } from '../../src/runtime/services.ts';
import {
  startDropboxSimulator,
  type DropboxSim,
  type DropboxSimOptions,
} from '../../src/sandbox/dropbox/index.ts';
import {
  startRingCentralSimulator,
  type RcSim,
  type RcSimOptions,
} from '../../src/sandbox/ringcentral/index.ts';
import { createApp } from '../../src/web/app.ts';
import { TEST_CREDENTIALS, testConfig } from './config.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { TEST_REDIS_URL } from './redis-server.ts';

/**
 * The whole product for an integration test: both simulators, a fresh database, Redis, the real
 * service graph and the Express app, wired exactly as the web process wires them.
 */
export interface TestStack {
  baseUrl: string;
  rc: RcSim;
  dbx: DropboxSim;
  database: TestDatabase;
  services: Services;
  redis: RedisClient;
  app: express.Express;
  close(): Promise<void>;
}

export interface StackOptions {
  baseUrl?: string;
  rc?: Partial<RcSimOptions>;
  dbx?: Partial<DropboxSimOptions>;
  env?: Record<string, string>;
  clock?: Clock;
  /** Use the RingCentral simulator's clock as the app's, so moving one moves both. */
  clockFromRc?: boolean;
  /**
   * Serve the app on a local port (BASE_URL points there), for what must reach it over HTTP:
   * RingCentral's WebHook notifications, a browser.
   */
  listen?: boolean;
  /** The RingCentral app's permissions in the simulator (default: the four archiving needs). */
  rcPermissions?: string[];
  logger?: Logger;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const server = options.listen ? createServer() : null;
  if (server) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  const baseUrl = server
    ? `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    : (options.baseUrl ?? 'http://archiver.test');
  const rc = await startRingCentralSimulator({
    clients: [
      {
        clientId: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_ID,
        clientSecret: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_SECRET,
        redirectUris: [`${baseUrl}/connect/ringcentral/callback`],
        permissions: options.rcPermissions,
      },
    ],
    accounts: [{ seed: 7, extensions: 5, days: 2 }],
    ...options.rc,
  });
  const dbx = await startDropboxSimulator({
    apps: [
      {
        appKey: TEST_CREDENTIALS.DROPBOX_APP_KEY,
        appSecret: TEST_CREDENTIALS.DROPBOX_APP_SECRET,
        redirectUris: [`${baseUrl}/connect/dropbox/callback`],
      },
    ],
    ...options.dbx,
  });
  const database = await createTestDatabase('stack');
  const logger = options.logger ?? createLogger('silent');
  const services = await buildServices(
    testConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      BASE_URL: baseUrl,
      RINGCENTRAL_SERVER: rc.url,
      DROPBOX_SIMULATOR_URL: dbx.url,
      SESSION_PREFIX: `test:${database.url.split('/').pop()}:sess:`,
      ...options.env,
    }),
    {
      role: 'test',
      logger,
      clock: options.clock ?? (options.clockFromRc ? { now: () => rc.now() } : undefined),
    },
  );
  const redis = await connectRedis(TEST_REDIS_URL, logger);
  const app = createApp({ ...services, redis });
  server?.on('request', app);
  return {
    baseUrl,
    rc,
    dbx,
    database,
    services,
    redis,
    app,
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await redis.close().catch(() => undefined);
      await services.close();
      await Promise.all([rc.close(), dbx.close()]);
      await database.drop();
    },
  };
}
