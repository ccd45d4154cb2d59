import { createHash, timingSafeEqual } from 'node:crypto';
import { rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RequestHandler } from 'express';
import type { RedisClient } from '../../lib/redis.ts';

/**
 * The operators' door to /admin: HTTP Basic with OPERATOR_PASSWORD (any user name), separate from
 * tenant sessions on purpose — a RingCentral admin of one company must never see every company.
 * No session is created. Wrong passwords are rate-limited per client IP like the sign-in routes.
 */

const OPERATOR_REALM = 'Call Archive operators';

interface OperatorAuthOptions {
  password: string;
  /** Shared counting across web processes; null only in the single-process demo. */
  redis: RedisClient | null;
  prefix: string;
  /** Failed attempts allowed per client IP per minute. */
  limit: number;
  baseUrl: string;
}

export function operatorAuth(options: OperatorAuthOptions): RequestHandler[] {
  const expected = digest(options.password);
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only refused passwords count: the job dashboard makes many requests once signed in.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    store: options.redis
      ? new RedisStore({
          prefix: `${options.prefix}rl:operator:`,
          sendCommand: (...args: string[]) => options.redis!.sendCommand(args),
        })
      : undefined,
    passOnStoreError: true,
    message: 'Too many wrong operator passwords from your network. Wait a minute and try again.',
  });

  const authenticate: RequestHandler = (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (sameSecret(passwordFrom(req.headers.authorization), expected)) return next();
    res.setHeader('WWW-Authenticate', `Basic realm="${OPERATOR_REALM}", charset="UTF-8"`);
    res.status(401).type('text').send('Operator password required.');
  };

  // Browsers resend Basic credentials on their own, so a state change must come from our own
  // pages: same origin, and JSON (which a cross-site form cannot send without a CORS preflight).
  const origin = new URL(options.baseUrl).origin;
  const sameSiteWrites: RequestHandler = (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const crossSite =
      req.headers['sec-fetch-site'] === 'cross-site' ||
      (typeof req.headers.origin === 'string' && req.headers.origin !== origin);
    if (crossSite || !req.is('application/json')) {
      res.status(403).type('text').send('Operator changes must come from the operator pages themselves.');
      return;
    }
    next();
  };

  return [limiter, authenticate, sameSiteWrites];
}

/** The password of an HTTP Basic `Authorization` header (any user name), or null. */
export function passwordFrom(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

/** A secret as `sameSecret` compares it. */
export function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether `given` is the secret whose digest is `expected`, in constant time. */
export function sameSecret(given: string | null, expected: Buffer): boolean {
  // Both sides hashed first: equal lengths for timingSafeEqual, and no early exit on length.
  return given !== null && timingSafeEqual(digest(given), expected);
}
