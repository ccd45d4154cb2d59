/**
 * `POST /webhooks/ringcentral`: where RingCentral delivers push notifications.
 *
 * - The `Validation-Token` handshake (at subscription creation) is answered 200 with the same
 *   header and an empty body, within RingCentral's 1,024-byte limit (this route sits before the
 *   security headers for that reason).
 * - A notification is accepted only with its subscription's `Verification-Token` (401 otherwise)
 *   from a subscription we hold and that has not expired (404 otherwise, nothing done); the body is
 *   limited to 64 KB (413); each company may send WEBHOOK_RATE_LIMIT_PER_MINUTE (429 beyond).
 * - Accepting writes a dirty-stream mark and maybe schedules an early run (src/push/receive.ts):
 *   the answer never waits for archiving, and if the database is slow it is 503 within a second,
 *   so RingCentral retries (a retry of what did get through is a duplicate and does nothing).
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Clock } from '../../lib/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RedisClient } from '../../lib/redis.ts';
import { accept, authenticate, parseNotification, type AcceptDeps } from '../../push/receive.ts';
import { WEBHOOK_PATH } from '../../push/subscriptions.ts';
import type { Store } from '../../store/types.ts';
import { sharedRateLimit } from '../middleware/rate-limit.ts';

interface WebhookDeps extends Pick<AcceptDeps, 'runSoon' | 'delayMs'> {
  store: Store;
  clock: Clock;
  logger: Logger;
  redis: RedisClient | null;
  /** Redis key prefix for the per-company limit. */
  prefix: string;
  limitPerMinute: number;
}

const BODY_LIMIT = '64kb';
const ANSWER_WITHIN_MS = 900;
/** Printable ASCII only: the token goes back in a header. */
const VALIDATION_TOKEN = /^[\x21-\x7e]{1,512}$/;

const empty = (res: Response, status: number) => res.status(status).end();

export function webhookRoutes(deps: WebhookDeps): Router {
  const router = Router();
  const perCompany = sharedRateLimit({
    redis: deps.redis,
    prefix: `${deps.prefix}rl:webhook:`,
    limit: deps.limitPerMinute,
    keyGenerator: (_req, res) => String(res.locals.pushTenantId),
    handler: (_req, res) => {
      res.setHeader('Retry-After', '60');
      empty(res, 429);
    },
  });

  router.post(
    WEBHOOK_PATH,
    (req, res, next) => {
      const token = req.headers['validation-token'];
      if (token === undefined) return next();
      if (typeof token !== 'string' || !VALIDATION_TOKEN.test(token)) return empty(res, 400);
      res.setHeader('Validation-Token', token);
      res.setHeader('Content-Type', 'application/json');
      empty(res, 200);
    },
    express.json({ limit: BODY_LIMIT, type: () => true }),
    async (req: Request, res: Response, next) => {
      const notification = parseNotification(req.body);
      if (!notification) return empty(res, 400);
      const header = req.headers['verification-token'];
      let check;
      try {
        check = await authenticate(deps, notification, typeof header === 'string' ? header : undefined);
      } catch (error) {
        deps.logger.warn({ err: { message: errorMessage(error) } }, 'notification not checked');
        return empty(res, 503);
      }
      if (!check.ok) return empty(res, check.status);
      res.locals.pushTenantId = check.tenantId;
      res.locals.notification = notification;
      next();
    },
    perCompany,
    async (_req: Request, res: Response) => {
      const tenantId = String(res.locals.pushTenantId);
      const work = accept({ ...deps }, tenantId, res.locals.notification as Parameters<typeof accept>[2]);
      const late = new Promise<'late'>((resolve) =>
        setTimeout(() => resolve('late'), ANSWER_WITHIN_MS).unref(),
      );
      try {
        const outcome = await Promise.race([work, late]);
        empty(res, outcome === 'late' ? 503 : 200);
      } catch (error) {
        deps.logger.warn({ tenantId, err: { message: errorMessage(error) } }, 'notification not recorded');
        if (!res.headersSent) empty(res, 503);
      }
      // An answer sent as late still lets the work finish; its failure is only logged.
      work.catch((error: unknown) =>
        deps.logger.warn(
          { tenantId, err: { message: errorMessage(error) } },
          'late notification not recorded',
        ),
      );
    },
  );

  // Body problems (too large, not JSON) get a bare status, not the HTML error page.
  const bodyErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    const status = (error as { status?: number }).status;
    if (res.headersSent || (status !== 400 && status !== 413 && status !== 415)) return next(error);
    empty(res, status);
  };
  router.use(WEBHOOK_PATH, bodyErrors);
  return router;
}
