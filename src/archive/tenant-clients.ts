import type { Destination, OpenOptions } from '../destinations/types.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { RateLimiter } from '../lib/rate-limiter.ts';
import { createPooledApi, type Platform, type RingCentralApi } from './sources/api.ts';
import type { ApiUser } from './sources/pool.ts';

/**
 * The two clients a tenant's run works with — RingCentral behind the rate limiters of the company's
 * connected users, and the destination the tenant archives into — opened the same way for the
 * archive pipeline and for verification. Which destination that is, the runtime decides. The
 * admin's Platform beneath the RingCentral client comes too, for what only it can tell (the scope
 * granted); requests go through the client, which counts and paces them.
 */

export interface TenantClientDeps {
  clock: Clock;
  /** A RingCentral platform signed in as the tenant's admin (token refresh handled inside). */
  ringcentral(tenantId: string): Promise<Platform>;
  /** The destination the tenant connected, opened for this run. */
  destination(tenantId: string, options?: OpenOptions): Promise<Destination>;
}

interface TenantClientsInput {
  tenantId: string;
  limiter: RateLimiter;
  /** Further connected users who share the Heavy and Medium work (their limiters share the admin's gate). */
  users?: readonly ApiUser[];
  onUserSetAside?: (user: ApiUser, reason: string) => void;
  logger: Logger;
  signal: AbortSignal;
  destination: OpenOptions;
}

export async function openTenantClients(
  deps: TenantClientDeps,
  input: TenantClientsInput,
): Promise<{ api: RingCentralApi; platform: Platform; destination: Destination }> {
  const { limiter, logger, signal } = input;
  const platform = await deps.ringcentral(input.tenantId);
  const destination = await deps.destination(input.tenantId, input.destination);
  const admin: ApiUser = { id: '', label: 'admin', platform, limiter, admin: true };
  return {
    api: createPooledApi([admin, ...(input.users ?? [])], {
      logger,
      clock: deps.clock,
      signal,
      onUserSetAside: input.onUserSetAside,
    }),
    platform,
    destination,
  };
}
