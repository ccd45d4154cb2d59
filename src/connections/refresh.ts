import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/types.ts';
import { NotConnectedError, ReconnectRequiredError } from './errors.ts';
import type { Vault } from './vault.ts';

/**
 * One token refresh at a time per tenant and provider, across every process: the refresher takes a
 * short lease on the connection row by compare-and-swap, calls the provider, and writes the new
 * tokens (including RingCentral's rotated, single-use refresh token) in the same write that frees
 * the lease. Everyone else waits for the version to move and uses what was stored. Inside one
 * process concurrent callers also share one promise, so twenty requests make one token call.
 */

const LEASE_MS = 30_000;
const WAIT_STEP_MS = 150;
const GIVE_UP_MS = 45_000;

interface RefreshResult<B> {
  bundle: B;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

interface RefreshRequest<B> {
  tenantId: string;
  provider: string;
  /** The access token the caller found expired or rejected (null: just make sure it is fresh). */
  staleAccessToken: string | null;
  accessTokenOf(bundle: B): string;
  /** Whether a stored bundle can be used as is (not expiring within the caller's margin). */
  isFresh(bundle: B): boolean;
  /** Calls the provider's token endpoint. */
  refresh(bundle: B): Promise<RefreshResult<B>>;
  /** True when the provider said the grant itself is gone (invalid_grant, revoked). */
  isGrantLost(error: unknown): boolean;
}

export interface RefreshCoordinator {
  run<B>(request: RefreshRequest<B>): Promise<B>;
}

interface RefreshDeps {
  store: Store;
  vault: Vault;
  clock: Clock;
  logger: Logger;
  /** Called once when a grant is found gone: marks the tenant needs_reconnect and tells people. */
  onGrantLost(tenantId: string, provider: string, reason: string): Promise<void>;
}

export function createRefreshCoordinator(deps: RefreshDeps): RefreshCoordinator {
  const inflight = new Map<string, Promise<unknown>>();

  async function refreshOnce<B>(req: RefreshRequest<B>): Promise<B> {
    const { store, vault, clock } = deps;
    const deadline = clock.now() + GIVE_UP_MS;
    for (;;) {
      const conn = await store.getConnection(req.tenantId, req.provider);
      if (!conn) throw new NotConnectedError(req.provider);
      const stored = vault.open<B>(req.tenantId, req.provider, conn.tokenCiphertext);
      if (req.accessTokenOf(stored) !== req.staleAccessToken && req.isFresh(stored)) return stored;

      const leaseHeld = conn.refreshLeaseUntil && conn.refreshLeaseUntil.getTime() > clock.now();
      const leased = leaseHeld
        ? null
        : await store.updateConnection(req.tenantId, req.provider, conn.version, {
            refreshLeaseUntil: new Date(clock.now() + LEASE_MS),
          });
      if (!leased) {
        if (clock.now() > deadline)
          throw new Error(`Timed out waiting for another process to refresh the ${req.provider} token`);
        await sleep(WAIT_STEP_MS);
        continue;
      }

      let result: RefreshResult<B>;
      try {
        result = await req.refresh(stored);
      } catch (error) {
        const reason = errorMessage(error);
        const released = await store.updateConnection(req.tenantId, req.provider, leased.version, {
          refreshLeaseUntil: null,
          lastRefreshError: reason.slice(0, 500),
        });
        // The admin reconnected while this refresh was out: what was refused is the old grant, and
        // the company is connected again. Use the new tokens instead of asking for a reconnect.
        if (!released) continue;
        if (req.isGrantLost(error)) {
          deps.logger.warn(
            { tenantId: req.tenantId, provider: req.provider },
            'authorization lost; tenant needs to reconnect',
          );
          await deps.onGrantLost(req.tenantId, req.provider, reason);
          throw new ReconnectRequiredError(req.provider, 'the refresh was refused');
        }
        throw error;
      }

      const { sealed, keyId } = vault.seal(req.tenantId, req.provider, result.bundle as object);
      const saved = await store.updateConnection(req.tenantId, req.provider, leased.version, {
        tokenCiphertext: sealed,
        keyId,
        accessExpiresAt: result.accessExpiresAt,
        refreshExpiresAt: result.refreshExpiresAt,
        refreshLeaseUntil: null,
        lastRefreshError: null,
        lastRefreshedAt: new Date(clock.now()),
      });
      // Only a fresh authorization (reconnect) replaces a leased row; its tokens win over ours.
      if (!saved)
        deps.logger.warn(
          { tenantId: req.tenantId, provider: req.provider },
          'connection replaced during refresh',
        );
      return result.bundle;
    }
  }

  return {
    run<B>(req: RefreshRequest<B>): Promise<B> {
      const key = `${req.tenantId}\u0000${req.provider}`;
      const existing = inflight.get(key) as Promise<B> | undefined;
      if (existing) return existing;
      const promise = refreshOnce(req).finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
  };
}
