import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one process. A registry per process (not prom-client's global one) so
 * tests can build several apps side by side.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  jobRuns: Counter<'status' | 'trigger'>;
  jobDuration: Histogram<'status'>;
  itemsArchived: Counter<'kind'>;
  bytesArchived: Counter<'kind'>;
  rateLimited: Counter<'provider'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'archive_runs_total',
      help: 'Archive runs finished, by final status and what started them',
      labelNames: ['status', 'trigger'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'archive_run_duration_seconds',
      help: 'Archive run durations',
      labelNames: ['status'],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600],
      registers: [registry],
    }),
    itemsArchived: new Counter({
      name: 'archive_items_total',
      help: 'Items archived into the destination, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    bytesArchived: new Counter({
      name: 'archive_bytes_total',
      help: 'Bytes archived into the destination, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'provider_rate_limited_total',
      help: 'HTTP 429 answers received from a provider',
      labelNames: ['provider'],
      registers: [registry],
    }),
  };
}
