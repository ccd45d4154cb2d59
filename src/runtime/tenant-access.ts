import type { PipelineDeps } from '../archive/pipeline.ts';
import {
  listUserConnections,
  lostUsers,
  markUserLost,
  userConnectionKey,
  userOfConnection,
} from '../connections/index.ts';
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
  | 'store'
  | 'logger'
  | 'metrics'
  | 'clock'
  | 'timeBoxMs'
  | 'ringcentral'
  | 'destination'
  | 'reconnectNeeded'
  | 'ringcentralUsers'
  | 'userSetAside'
  | 'recordingCap'
> {
  const { store, connections } = services;
  return {
    store,
    logger: services.logger,
    metrics: services.metrics,
    clock: services.clock,
    timeBoxMs: services.timeBoxMs,
    ringcentral: (tenantId) => connections.provider('ringcentral').platform(tenantId),
    recordingCap: services.config.RINGCENTRAL_RECORDING_CAP,
    // The company's further users, but not those set aside until an admin removes or re-adds them.
    async ringcentralUsers(tenantId) {
      const lost = await lostUsers(store, tenantId);
      const users = (await listUserConnections(store, tenantId)).filter(
        (c) => !lost[userOfConnection(c.provider)!],
      );
      return Promise.all(
        users.map(async (c) => ({
          id: userOfConnection(c.provider)!,
          label: c.accountLabel,
          platform: await connections.provider('ringcentral').platform(tenantId, c.provider),
        })),
      );
    },
    async userSetAside(tenantId, userId, reason) {
      const connection = await store.getConnection(tenantId, userConnectionKey(userId));
      if (!connection) return;
      const marked = await markUserLost(store, tenantId, {
        extensionId: userId,
        label: connection.accountLabel,
        reason,
        at: services.clock.now(),
      });
      if (marked) await services.notifier.usersChanged(tenantId);
    },
    destination: tenantDestinations(services),
    reconnectNeeded: async (tenantId, provider, reason) => {
      await markNeedsReconnect(store, tenantId, provider, reason);
      // The notifier keeps its own alert state: an alert already open is not sent again.
      await services.notifier.connectionLost(tenantId, provider);
    },
  };
}
