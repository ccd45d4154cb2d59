import { dropboxDestination } from './dropbox/index.ts';
import { sftpDestination } from './sftp/index.ts';
import type { DestinationDefinition } from './types.ts';

/**
 * Every destination the archiver can write to, one folder each. A destination registers here and
 * declares its capabilities; the runtime opens the one a company connected (runtime/destinations.ts)
 * and everything above works through the port (types.ts) without knowing which one it has.
 */
export const DESTINATIONS = {
  dropbox: dropboxDestination,
  sftp: sftpDestination,
} as const satisfies Record<string, DestinationDefinition<never>>;

export type DestinationId = keyof typeof DESTINATIONS;

/** What a destination's `open` needs from the company's connection. */
export type DestinationAccess<Id extends DestinationId> = Parameters<(typeof DESTINATIONS)[Id]['open']>[0];

export const DESTINATION_IDS = Object.keys(DESTINATIONS) as DestinationId[];
