import { rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RequestHandler } from 'express';
import type { RedisClient } from '../../lib/redis.ts';

/**
 * Limits on the sign-in and OAuth routes per client IP, counted in Redis so every web process
 * shares one budget (the in-memory fallback is for the single-process demo only).
 */
export function authRateLimit(options: {
  redis: RedisClient | null;
  prefix: string;
  limit?: number;
  windowMs?: number;
}): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs ?? 60_000,
    limit: options.limit ?? 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: options.redis
      ? new RedisStore({
          prefix: `${options.prefix}rl:`,
          sendCommand: (...args: string[]) => options.redis!.sendCommand(args),
        })
      : undefined,
    // Without Redis the limiter must not take the site down; with it, a Redis outage fails open too.
    passOnStoreError: true,
    message: 'Too many sign-in attempts from your network. Wait a minute and try again.',
  });
}
