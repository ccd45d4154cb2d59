import { rateLimit, type Options } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RequestHandler } from 'express';
import type { RedisClient } from '../../lib/redis.ts';

/**
 * A request budget counted in Redis, so every web process shares it (the in-memory fallback is
 * for the single-process demo only). Without Redis the limiter must not take the site down; with
 * it, a Redis outage fails open too.
 */
export function sharedRateLimit(
  options: {
    redis: RedisClient | null;
    /** Redis key prefix (the limit's own namespace). */
    prefix: string;
    limit: number;
    windowMs?: number;
  } & Partial<Pick<Options, 'keyGenerator' | 'handler' | 'message'>>,
): RequestHandler {
  const { redis, prefix, limit, windowMs, ...rest } = options;
  return rateLimit({
    windowMs: windowMs ?? 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: redis
      ? new RedisStore({ prefix, sendCommand: (...args: string[]) => redis.sendCommand(args) })
      : undefined,
    passOnStoreError: true,
    ...rest,
  });
}

/** Limits on the sign-in and OAuth routes per client IP. */
export function authRateLimit(options: {
  redis: RedisClient | null;
  prefix: string;
  limit?: number;
  windowMs?: number;
}): RequestHandler {
  return sharedRateLimit({
    redis: options.redis,
    prefix: `${options.prefix}rl:`,
    limit: options.limit ?? 20,
    windowMs: options.windowMs,
    message: 'Too many sign-in attempts from your network. Wait a minute and try again.',
  });
}
