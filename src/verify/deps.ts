import type { VerifyDeps } from '../archive/verify/verify-tenant.ts';
import type { Services } from '../runtime/services.ts';
import { markNeedsReconnect } from '../tenants/status.ts';

/**
 * Verification wired to this process's services, as the archive pipeline is (runtime/worker.ts):
 * RingCentral and Dropbox through the connections module, which owns tokens and their refresh.
 */
export function verifyDeps(services: Services, options: { leaseTtlMs?: number } = {}): VerifyDeps {
  const { store, connections } = services;
  return {
    store,
    logger: services.logger,
    metrics: services.metrics,
    clock: services.clock,
    timeBoxMs: services.timeBoxMs,
    ringcentral: (tenantId) => connections.ringcentral.platform(tenantId),
    dropbox: (tenantId) => connections.dropbox.access(tenantId),
    reconnectNeeded: async (tenantId, provider, reason) => {
      await markNeedsReconnect(store, tenantId, provider, reason);
    },
    leaseTtlMs: options.leaseTtlMs,
  };
}
