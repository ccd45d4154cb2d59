import {
  createDropboxDestination,
  type DropboxClientAccess,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from '../destinations/dropbox/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { RateLimiter } from '../lib/rate-limiter.ts';
import { createRingCentralApi, type Platform, type RingCentralApi } from './sources/api.ts';

/**
 * The two clients a tenant's run works with — RingCentral behind the tenant's rate limiter, and the
 * tenant's Dropbox — built the same way for the archive pipeline and for verification.
 */

/**
 * Downloads are paced by RingCentral's limits, so a commit batch fills slowly: wait a little longer
 * for company than Dropbox's default idle wait, to commit many files per call.
 */
const DESTINATION_DEFAULTS: DropboxDestinationOptions = { batchIdleMs: 500, batchMaxWaitMs: 5_000 };

export interface TenantClientsInput {
  platform: Platform;
  dropbox: DropboxClientAccess;
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  destination?: DropboxDestinationOptions;
}

export function openTenantClients(input: TenantClientsInput): {
  api: RingCentralApi;
  destination: DropboxDestination;
} {
  const { limiter, logger, clock, signal } = input;
  return {
    api: createRingCentralApi(input.platform, { limiter, logger, clock, signal }),
    destination: createDropboxDestination(input.dropbox, { ...DESTINATION_DEFAULTS, ...input.destination }),
  };
}
