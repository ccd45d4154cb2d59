import { hostname } from 'node:os';
import type { Agenda } from 'agenda';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { errorMessage } from '../lib/errors.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { isUnreachable, OUTAGE_PATIENCE_MS, patiently } from '../lib/patiently.ts';
import { createAgenda } from '../jobs/agenda.ts';
import { createScheduler, type Scheduler } from '../jobs/scheduler.ts';
import { createConnections, markUserLost, userOfConnection, type Connections } from '../connections/index.ts';
import { checkTokenKeys } from '../connections/vault.ts';
import { openStore } from '../store/index.ts';
import { markNeedsReconnect } from '../tenants/status.ts';
import { notifierFromConfig, type Notifier } from '../notifications/index.ts';
import { createSubscriptionKeeper, WEBHOOK_PATH, type SubscriptionKeeper } from '../push/subscriptions.ts';
import type { Store } from '../store/types.ts';
import type { Destination, OpenOptions } from '../destinations/types.ts';
import { tenantDestinations } from './destinations.ts';

/**
 * The service graph every process shares: built once from the parsed config and passed down.
 * Nothing below this reads the environment.
 */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  store: Store;
  agenda: Agenda;
  scheduler: Scheduler;
  connections: Connections;
  /** Alert e-mails to each tenant's recipients (logged only when SMTP_URL is unset). */
  notifier: Notifier;
  /** Each company's RingCentral WebHook subscription (push notifications, src/push/). */
  subscriptions: SubscriptionKeeper;
  /** Opens the destination a company connected (runtime/destinations.ts); the caller closes it. */
  destinations: (tenantId: string, options?: OpenOptions) => Promise<Destination>;
  processId: string;
  /** Lock lifetime of an archive job: longer than the run's time box, so a live run keeps it. */
  lockLifetimeMs: number;
  timeBoxMs: number;
  close(): Promise<void>;
}

export async function buildServices(
  config: Config,
  options: { role: string; logger?: Logger; clock?: Clock } = { role: 'app' },
): Promise<Services> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, { name: options.role });
  const clock = options.clock ?? systemClock;
  // A process started while the database is unreachable (a deploy during a failover) waits for it,
  // as running processes do, instead of exiting; a configuration error still stops it at once.
  const opened = await patiently(
    async () => {
      const store = await openStore(config, logger, { maxConnections: config.WORKER_CONCURRENCY + 5 });
      try {
        // A wrong TOKEN_KEYS must stop start-up here, before anything tries to read a token.
        await checkTokenKeys(store.store, config.TOKEN_KEYS);
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    },
    {
      maxMs: OUTAGE_PATIENCE_MS,
      retryIf: isUnreachable,
      onRetry: (error) =>
        logger.warn(
          { err: { message: errorMessage(error) } },
          'database unreachable; waiting for it to start',
        ),
    },
  );
  const notifier = notifierFromConfig(config, { store: opened.store, logger, clock });
  const connections = createConnections({
    config,
    store: opened.store,
    clock,
    logger,
    onGrantLost: async (tenantId, provider, reason) => {
      // One more RingCentral user's grant: that user is set aside, the company goes on.
      const extensionId = userOfConnection(provider);
      if (extensionId !== null) {
        const connection = await opened.store.getConnection(tenantId, provider);
        await markUserLost(opened.store, tenantId, {
          extensionId,
          label: connection?.accountLabel ?? `ext. id ${extensionId}`,
          reason: 'RingCentral refused to renew its sign-in (revoked or expired).',
          at: clock.now(),
        });
        await notifier.usersChanged(tenantId);
        return;
      }
      await markNeedsReconnect(opened.store, tenantId, provider, reason);
      await notifier.connectionLost(tenantId, provider);
    },
  });
  const processId = `${options.role}:${hostname()}:${process.pid}`;
  const timeBoxMs = config.RUN_TIME_BOX_MINUTES * 60_000;
  const lockLifetimeMs = timeBoxMs + 10 * 60_000;
  const agenda = createAgenda(opened.jobBackend(), processId, {
    maxConcurrency: config.WORKER_CONCURRENCY,
    processEvery: config.JOB_POLL_SECONDS * 1000,
    lockLifetimeMs,
  });
  agenda.on('error', (error: Error) => logger.error({ err: error }, 'job system error'));
  return {
    config,
    logger,
    clock,
    metrics: createMetrics(),
    store: opened.store,
    agenda,
    scheduler: createScheduler(agenda, clock),
    connections,
    notifier,
    subscriptions: createSubscriptionKeeper({
      store: opened.store,
      logger,
      clock,
      address: `${config.BASE_URL}${WEBHOOK_PATH}`,
      enabled: config.RINGCENTRAL_WEBHOOKS === 'on',
      platform: (tenantId) => connections.provider('ringcentral').platform(tenantId),
    }),
    destinations: tenantDestinations({ store: opened.store, connections }),
    processId,
    lockLifetimeMs,
    timeBoxMs,
    async close() {
      await agenda.stop(false).catch(() => undefined);
      notifier.close();
      await opened.close();
    },
  };
}
