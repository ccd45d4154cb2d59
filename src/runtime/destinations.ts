import {
  DESTINATION_IDS,
  DESTINATIONS,
  type DestinationAccess,
  type DestinationId,
} from '../destinations/registry.ts';
import type { Destination, DestinationDefinition, OpenOptions } from '../destinations/types.ts';
import type { Services } from './services.ts';

/**
 * Where a company's archive goes: the destination it connected, opened with what its connection
 * provides. This is the one place that pairs a destination with the connections module; the
 * archive run and verification receive the opened Destination and never learn which one it is.
 */

type AccessFor = { [Id in DestinationId]: (tenantId: string) => DestinationAccess<Id> };

class NoDestinationError extends Error {
  override name = 'NoDestinationError';
  constructor() {
    super('No archive destination is connected for this company yet.');
  }
}

export function tenantDestinations(
  services: Pick<Services, 'store' | 'connections'>,
): (tenantId: string, options?: OpenOptions) => Promise<Destination> {
  const { store, connections } = services;
  const access: AccessFor = {
    dropbox: (tenantId) => connections.provider('dropbox').access(tenantId),
    sftp: (tenantId) => () => connections.provider('sftp').credentials(tenantId),
  };
  const open = <Id extends DestinationId>(id: Id, tenantId: string, options: OpenOptions) =>
    (DESTINATIONS[id] as DestinationDefinition<DestinationAccess<Id>>).open(access[id](tenantId), options);

  return async (tenantId, options = {}) => {
    for (const id of DESTINATION_IDS) {
      if (await store.getConnection(tenantId, id)) return open(id, tenantId, options);
    }
    throw new NoDestinationError();
  };
}
