import { createClient } from 'redis';
import type { Logger } from './logger.ts';

/**
 * A Redis client that rides out outages: it reconnects with a capped backoff, logs the outage once
 * per disconnect instead of crashing, and refuses commands while down (no offline queue), so
 * requests fail fast and /readyz reports the truth.
 */
function createResilientClient(url: string, verifyTls = true) {
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2_000);
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: url.startsWith('rediss:')
      ? { tls: true, rejectUnauthorized: verifyTls, reconnectStrategy, connectTimeout: 2_000 }
      : { reconnectStrategy, connectTimeout: 2_000 },
  });
}

export type RedisClient = ReturnType<typeof createResilientClient>;

export async function connectRedis(
  url: string,
  logger: Logger,
  options: { verifyTls?: boolean } = {},
): Promise<RedisClient> {
  const client = createResilientClient(url, options.verifyTls);
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) logger.warn({ err: { message: error.message } }, 'redis unavailable; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('redis reconnected');
    down = false;
  });
  await client.connect();
  return client;
}
