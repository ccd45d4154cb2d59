import type { PipelineDeps } from '../archive/pipeline.ts';
import { markNeedsReconnect } from '../tenants/status.ts';
import { tenantDestinations } from './destinations.ts';
import type { Services } from './services.ts';

/**
 * What every per-tenant job (the archive run, verification) gets from this process: RingCentral
 * through the connections module, which owns tokens and their refresh; the destination the company
 * connected (runtime/destinations.ts); and what to do when an authorization turns out to be gone.
 */
export function tenantAccess(
  services: Services,
): Pick<
  PipelineDeps,
  'store' | 'logger' | 'metrics' | 'clock' | 'timeBoxMs' | 'ringcentral' | 'destination' | 'reconnectNeeded'
> {
  const { store, connections } = services;
  return {
    store,
    logger: services.logger,
    metrics: services.metrics,
    clock: services.clock,
    timeBoxMs: services.timeBoxMs,
    ringcentral: (tenantId) => connections.provider('ringcentral').platform(tenantId),
    destination: tenantDestinations(services),
    reconnectNeeded: async (tenantId, provider, reason) => {
      await markNeedsReconnect(store, tenantId, provider, reason);
      // The notifier keeps its own alert state: an alert already open is not sent again.
      await services.notifier.connectionLost(tenantId, provider);
    },
  };
}
