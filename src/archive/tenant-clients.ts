import type { Destination, OpenOptions } from '../destinations/types.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { RateLimiter } from '../lib/rate-limiter.ts';
import { createRingCentralApi, type Platform, type RingCentralApi } from './sources/api.ts';

/**
 * The two clients a tenant's run works with — RingCentral behind the tenant's rate limiter, and the
 * destination the tenant archives into — opened the same way for the archive pipeline and for
 * verification. Which destination that is, the runtime decides.
 */

export interface TenantClientDeps {
  clock: Clock;
  /** A RingCentral platform signed in as the tenant's admin (token refresh handled inside). */
  ringcentral(tenantId: string): Promise<Platform>;
  /** The destination the tenant connected, opened for this run. */
  destination(tenantId: string, options?: OpenOptions): Promise<Destination>;
}

export interface TenantClientsInput {
  tenantId: string;
  limiter: RateLimiter;
  logger: Logger;
  signal: AbortSignal;
  destination: OpenOptions;
}

export async function openTenantClients(
  deps: TenantClientDeps,
  input: TenantClientsInput,
): Promise<{ api: RingCentralApi; destination: Destination }> {
  const { limiter, logger, signal } = input;
  const platform = await deps.ringcentral(input.tenantId);
  const destination = await deps.destination(input.tenantId, input.destination);
  return {
    api: createRingCentralApi(platform, { limiter, logger, clock: deps.clock, signal }),
    destination,
  };
}
