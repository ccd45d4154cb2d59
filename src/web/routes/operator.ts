import { fileURLToPath } from 'node:url';
import type { Agenda } from 'agenda';
import { createExpressMiddleware } from 'agendash';
import express, { Router } from 'express';
import type { Clock } from '../../lib/clock.ts';
import type { RedisClient } from '../../lib/redis.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Notifier } from '../../notifications/index.ts';
import type { Store } from '../../store/types.ts';
import { fmt } from '../format.ts';
import { operatorAuth } from '../middleware/operator-auth.ts';
import { buildOperatorOverview } from '../view-models/operator.ts';
import { webProcessJobStats } from './operator-job-stats.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * The operator pages, all behind OPERATOR_PASSWORD: /admin lists every tenant's health, and
 * /admin/jobs is Agendash over this process's Agenda (the web process never runs jobs; Agendash
 * reads them and can requeue, pause or delete them). Mounted before sessions and CSRF: operators
 * have no session, and their writes are guarded in operatorAuth instead.
 */
interface OperatorDeps {
  password: string;
  baseUrl: string;
  redis: RedisClient | null;
  prefix: string;
  rateLimitPerMinute: number;
  store: Store;
  scheduler: Scheduler;
  notifier: Notifier;
  agenda: Agenda;
  views: Views;
  clock: Clock;
}

/** Agendash's built page and assets, served by us so that our own CSP applies to them. */
const AGENDASH_PUBLIC = fileURLToPath(new URL('../public/', import.meta.resolve('agendash')));

export function operatorRoutes(deps: OperatorDeps): Router {
  const router = Router();
  router.use(
    '/admin',
    operatorAuth({
      password: deps.password,
      redis: deps.redis,
      prefix: deps.prefix,
      limit: deps.rateLimitPerMinute,
      baseUrl: deps.baseUrl,
    }),
  );

  router.get('/admin', async (_req, res) => {
    const overview = await buildOperatorOverview(deps);
    sendPage(res, deps.views, 'operator', { ...overview, fmt, now: deps.clock.now() });
  });

  // The dashboard's page fetches "api" and "assets/…" relative to itself: it needs the slash.
  router.get('/admin/jobs', (req, res, next) => {
    if (req.originalUrl.split('?')[0]!.endsWith('/')) return next();
    res.redirect(301, '/admin/jobs/');
  });
  router.get('/admin/jobs/api/stats', webProcessJobStats(deps.agenda, deps.store.kind));
  router.use(
    '/admin/jobs',
    express.static(AGENDASH_PUBLIC, { index: 'index.html', redirect: false, maxAge: 0 }),
    createExpressMiddleware(deps.agenda, { skipStaticFiles: true }),
  );
  return router;
}
