import type { Agenda } from 'agenda';
import express from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { RedisClient } from '../lib/redis.ts';
import type { Connections } from '../connections/index.ts';
import type { Scheduler } from '../jobs/scheduler.ts';
import type { Notifier } from '../notifications/index.ts';
import type { SubscriptionKeeper } from '../push/subscriptions.ts';
import type { Store } from '../store/types.ts';
import { fmt } from './format.ts';
import { csrfProtection, exposeCsrfToken } from './middleware/csrf.ts';
import { authRateLimit } from './middleware/rate-limit.ts';
import { connectRoutes } from './routes/connect.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { settingsRoutes } from './routes/settings.ts';
import { ringCentralUserRoutes } from './routes/ringcentral-users.ts';
import { archiveLogRoutes } from './routes/archive-log.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import { emptyFormWhenUnread } from './middleware/form.ts';
import { httpMetrics } from './middleware/http-metrics.ts';
import { requestLogging } from './middleware/request-logging.ts';
import { securityHeaders } from './middleware/security.ts';
import { sessionCookieName, sessions } from './middleware/session.ts';
import { healthRoutes } from './routes/health.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { streamDelay } from '../push/receive.ts';
import { notificationSettingsRoutes } from './routes/notification-settings.ts';
import { operatorRoutes } from './routes/operator.ts';
import { pageRoutes } from './routes/pages.ts';
import { itemRoutes } from './routes/items.ts';
import { browseRoutes } from './routes/browse.ts';
import { searchRoutes } from './routes/search.ts';
import type { Destination } from '../destinations/types.ts';
import { simulatorAddress } from '../destinations/dropbox/simulator-fetch.ts';
import { createViews, VIEWS_DIR } from './views.ts';

interface WebDeps {
  config: Config;
  store: Store;
  /** null only in the embedded demo (in-memory sessions). */
  redis: RedisClient | null;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  connections: Connections;
  scheduler: Scheduler;
  notifier: Notifier;
  /** Push subscriptions: deleted on uninstall and disconnect. */
  subscriptions: SubscriptionKeeper;
  /** Read and controlled by the operators' job dashboard; the web process never runs jobs. */
  agenda: Agenda;
  /** Opens a company's destination, for the short-lived links that play and show its files. */
  destinations: (tenantId: string) => Promise<Destination>;
}

/** Where the destination's links are served from (the simulator serves Dropbox's hosts itself). */
function linkHosts(config: Config): { origins: string[]; address: (url: string) => string } {
  const simulator = config.DROPBOX_SIMULATOR_URL;
  if (simulator)
    return { origins: [new URL(simulator).origin], address: (url) => simulatorAddress(simulator, url) };
  return { origins: ['https://*.dropboxusercontent.com'], address: (url) => url };
}

export function createApp(deps: WebDeps): express.Express {
  const production = deps.config.NODE_ENV === 'production';
  const views = createViews({ cache: production });
  const app = express();
  app.disable('x-powered-by');
  // Behind Heroku's router (or any TLS-terminating proxy) the client's scheme comes in a header.
  if (production) app.set('trust proxy', 1);

  app.use(requestLogging(deps.logger));
  app.use(httpMetrics(deps.metrics));
  // RingCentral's notifications: no session, no CSRF, and an answer small enough for its handshake.
  app.use(
    webhookRoutes({
      store: deps.store,
      clock: deps.clock,
      logger: deps.logger,
      redis: deps.redis,
      prefix: deps.config.SESSION_PREFIX,
      limitPerMinute: deps.config.WEBHOOK_RATE_LIMIT_PER_MINUTE,
      runSoon: (tenantId, at) => deps.scheduler.runSoon(tenantId, at),
      delayMs: streamDelay(
        deps.config.EARLY_RUN_DELAY_SECONDS * 1000,
        deps.config.EARLY_RUN_CALL_DELAY_SECONDS * 1000,
      ),
    }),
  );
  const links = linkHosts(deps.config);
  app.use(securityHeaders({ production, linkOrigins: links.origins }));
  app.use('/static', express.static(`${VIEWS_DIR}/static`, { maxAge: production ? '1d' : 0, index: false }));
  app.use(
    healthRoutes({
      ...deps,
      access: {
        production,
        metricsToken: deps.config.METRICS_TOKEN,
        operatorPassword: deps.config.OPERATOR_PASSWORD,
        prefix: deps.config.SESSION_PREFIX,
        limit: deps.config.AUTH_RATE_LIMIT_PER_MINUTE,
        baseUrl: deps.config.BASE_URL,
      },
    }),
  );
  // Operators sign in with HTTP Basic, not a session; without OPERATOR_PASSWORD /admin is a 404.
  if (deps.config.OPERATOR_PASSWORD)
    app.use(
      operatorRoutes({
        ...deps,
        password: deps.config.OPERATOR_PASSWORD,
        baseUrl: deps.config.BASE_URL,
        prefix: deps.config.SESSION_PREFIX,
        rateLimitPerMinute: deps.config.AUTH_RATE_LIMIT_PER_MINUTE,
        views,
      }),
    );

  app.use(
    sessions({
      secret: deps.config.SESSION_SECRET,
      production,
      prefix: deps.config.SESSION_PREFIX,
      redis: deps.redis,
      clock: deps.clock,
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(emptyFormWhenUnread);
  app.use((req, res, next) => {
    // Whatever a signed-in browser is sent may carry company data: no cache keeps a copy.
    if (req.session.user) res.setHeader('Cache-Control', 'no-store');
    res.locals.user = req.session.user ?? null;
    res.locals.fmt = fmt;
    res.locals.now = deps.clock.now();
    next();
  });
  app.use(
    '/connect',
    authRateLimit({
      redis: deps.redis,
      prefix: deps.config.SESSION_PREFIX,
      limit: deps.config.AUTH_RATE_LIMIT_PER_MINUTE,
    }),
  );
  app.use(csrfProtection(deps.config.BASE_URL));
  app.use(exposeCsrfToken);

  const tenantDeps = {
    store: deps.store,
    connections: deps.connections,
    scheduler: deps.scheduler,
    subscriptions: deps.subscriptions,
  };
  app.use(pageRoutes(views));
  app.use(
    connectRoutes({
      ...tenantDeps,
      views,
      clock: deps.clock,
      logger: deps.logger,
      cookieName: sessionCookieName(production),
    }),
  );
  app.use(dashboardRoutes({ ...tenantDeps, views, now: () => deps.clock.now() }));
  app.use(notificationSettingsRoutes({ store: deps.store, views, notifier: deps.notifier }));
  app.use(settingsRoutes({ ...tenantDeps, views, clock: deps.clock, logger: deps.logger }));
  app.use(ringCentralUserRoutes(tenantDeps));
  app.use(archiveLogRoutes({ ...tenantDeps, views, clock: deps.clock }));
  app.use(searchRoutes({ store: deps.store, views }));
  const itemDeps = {
    store: deps.store,
    views,
    destinations: deps.destinations,
    linkAddress: links.address,
    appFolder: deps.config.DROPBOX_APP_FOLDER,
  };
  app.use(itemRoutes(itemDeps));
  app.use(browseRoutes(itemDeps));

  app.use(notFound(views));
  app.use(errorHandler(views, deps.logger));
  return app;
}
