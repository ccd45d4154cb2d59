import { Router, type Response } from 'express';
import type { Metrics } from '../../lib/metrics.ts';
import type { RedisClient } from '../../lib/redis.ts';
import type { Store } from '../../store/types.ts';
import { metricsAccess, type MetricsAccessOptions } from '../middleware/metrics-access.ts';

const CHECK_TIMEOUT_MS = 1_500;

function withTimeout<T>(work: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * /healthz: the process is alive. /readyz: it can serve (database and Redis answer), else 503 so a
 * load balancer stops sending traffic until they are back. /metrics: Prometheus, open in development
 * and behind a token or the operator password in production (metrics-access.ts).
 */
export function healthRoutes(deps: {
  store: Store;
  redis: RedisClient | null;
  metrics: Metrics;
  access: Omit<MetricsAccessOptions, 'redis'>;
}): Router {
  const router = Router();
  const sendMetrics = async (_req: unknown, res: Response) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  };

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    const database = withTimeout(deps.store.ping(), 'database').then(
      () => (checks.database = 'ok'),
      (e: Error) => (checks.database = e.message.includes('did not answer') ? e.message : 'unreachable'),
    );
    const redis = deps.redis
      ? withTimeout(
          deps.redis.isReady ? deps.redis.ping() : Promise.reject(new Error('not connected')),
          'redis',
        ).then(
          () => (checks.redis = 'ok'),
          () => (checks.redis = 'unreachable'),
        )
      : Promise.resolve((checks.redis = 'not used (in-memory sessions)'));
    await Promise.all([database, redis]);
    const ready = checks.database === 'ok' && (checks.redis === 'ok' || !deps.redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });

  const guard = metricsAccess({ ...deps.access, redis: deps.redis });
  // A scraper's token ends the first route's checks early (next('route')) and lands on the second.
  router.get('/metrics', ...guard, sendMetrics);
  if (guard.length) router.get('/metrics', sendMetrics);

  return router;
}
