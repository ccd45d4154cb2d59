import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Clock } from '../../lib/clock.ts';
import type { RedisClient } from '../../lib/redis.ts';

const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    /** Who is signed in: set only after a RingCentral admin sign-in. */
    user?: { tenantId: string; extensionId: string; name: string };
    signedInAt?: number;
    lastSeenAt?: number;
    /** Pending OAuth authorizations keyed by state (single use). */
    oauth?: Record<string, { provider: string; purpose?: string; verifier: string; createdAt: number }>;
    flash?: { kind: 'ok' | 'warn' | 'bad'; message: string };
  }
}

interface SessionOptions {
  secret: string;
  production: boolean;
  prefix: string;
  /** null only in the embedded demo: sessions then live in this process's memory. */
  redis: RedisClient | null;
  clock: Clock;
}

export function sessionCookieName(production: boolean): string {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and path=/.
  return production ? '__Host-archiver.sid' : 'archiver.sid';
}

export function sessions(options: SessionOptions): RequestHandler[] {
  const store = options.redis
    ? new RedisStore({
        client: options.redis,
        prefix: options.prefix,
        ttl: Math.ceil(IDLE_TIMEOUT_MS / 1000),
      })
    : new session.MemoryStore();
  return [
    session({
      name: sessionCookieName(options.production),
      secret: options.secret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        secure: options.production,
        sameSite: 'lax',
        path: '/',
        maxAge: IDLE_TIMEOUT_MS,
      },
    }),
    enforceTimeouts(options.clock),
  ];
}

/**
 * Idle (30 min) and absolute (12 h) limits, checked on the server with the app's clock: the cookie
 * and Redis expiry enforce the idle limit too, but only the server can end a busy session at 12 h.
 * An ended session is replaced by an empty one, which is not stored; the sign-in guard tells the
 * visitor their session ended.
 */
function enforceTimeouts(clock: Clock): RequestHandler {
  return (req, res, next) => {
    const s = req.session;
    if (!s?.user) return next();
    const now = clock.now();
    const idle = now - (s.lastSeenAt ?? now) > IDLE_TIMEOUT_MS;
    const expired = now - (s.signedInAt ?? now) > ABSOLUTE_TIMEOUT_MS;
    if (idle || expired) {
      res.locals.sessionEnded = true;
      s.regenerate((error) => next(error));
      return;
    }
    s.lastSeenAt = now;
    next();
  };
}
