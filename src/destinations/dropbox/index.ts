import type { DestinationDefinition, OpenOptions } from '../types.ts';
import type { DropboxClientAccess } from './access.ts';
import {
  createDropboxDestination,
  dropboxCapabilities,
  DROPBOX_DESTINATION_DEFAULTS,
  type DropboxDestinationOptions,
} from './destination.ts';
import { DROPBOX } from './identity.ts';

/** The Dropbox destination adapter's public surface, and its entry in the destination registry. */
export { directAccess, type DropboxClientAccess } from './access.ts';
export { type CounterName } from './counters.ts';
export {
  createDropboxDestination,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from './destination.ts';
export { classifyError, DropboxDestinationError } from './errors.ts';
export { DROPBOX, DROPBOX_HASH } from './identity.ts';
export { DEFAULT_RETRY_POLICY, RatePause, type RetryPolicy } from './retry.ts';

const MIB = 1024 * 1024;

/** A put holds two chunks (one on the wire, the next being read): half the buffer, in 4 MiB units. */
function chunkSizeFor(bufferBytes: number): number {
  return Math.min(148, Math.max(4, Math.floor(bufferBytes / 2 / (4 * MIB)) * 4)) * MIB;
}

function dropboxOptions(options: OpenOptions): DropboxDestinationOptions {
  return {
    ...(options.batchIdleMs !== undefined ? { batchIdleMs: options.batchIdleMs } : {}),
    ...(options.batchMaxWaitMs !== undefined ? { batchMaxWaitMs: options.batchMaxWaitMs } : {}),
    ...(options.bufferBytes !== undefined ? { chunkSize: chunkSizeFor(options.bufferBytes) } : {}),
  };
}

export const dropboxDestination: DestinationDefinition<DropboxClientAccess> = {
  ...DROPBOX,
  capabilities: dropboxCapabilities(DROPBOX_DESTINATION_DEFAULTS.batchSize),
  setup: 'oauth',
  open: (access, options) => createDropboxDestination(access, dropboxOptions(options)),
};
