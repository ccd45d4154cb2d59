/** The Dropbox destination adapter's public surface. */
export { directAccess, type DropboxClientAccess } from './access.ts';
export { COUNTER_NAMES, type CounterName } from './counters.ts';
export {
  createDropboxDestination,
  DROPBOX_DESTINATION_DEFAULTS,
  type DropboxCommittedFile,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from './destination.ts';
export { classifyError, DropboxDestinationError } from './errors.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
