import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/types.ts';
import type { Connections } from './index.ts';

/** A RingCentral refresh token lives 7 days; refreshing any token older than this keeps it alive. */
const REFRESH_WHEN_OLDER_THAN_MS = 20 * 3_600_000;

/**
 * The daily keep-alive: every connection not refreshed in the last 20 hours is refreshed now, so a
 * company with no calls for weeks (or a paused one) still has working tokens when activity returns.
 * Tenants that need reconnecting are left alone: their grant is gone, retrying only adds noise.
 */
export async function keepTokensAlive(deps: {
  store: Store;
  connections: Connections;
  clock: Clock;
  logger: Logger;
}): Promise<{ refreshed: number; failed: number }> {
  const { store, clock } = deps;
  const tenants = new Map((await store.listTenants({ status: ['active', 'paused'] })).map((t) => [t.id, t]));
  let refreshed = 0;
  let failed = 0;
  for (const conn of await store.listConnections()) {
    if (!tenants.has(conn.tenantId)) continue;
    const last = (conn.lastRefreshedAt ?? conn.createdAt).getTime();
    if (clock.now() - last < REFRESH_WHEN_OLDER_THAN_MS) continue;
    const provider = deps.connections.ofConnection(conn.provider);
    if (!provider?.keepAlive) continue;
    try {
      await provider.keepAlive(conn);
      refreshed += 1;
    } catch (error) {
      failed += 1;
      deps.logger.warn(
        { tenantId: conn.tenantId, provider: conn.provider, err: { message: errorMessage(error) } },
        'keep-alive refresh failed',
      );
    }
  }
  return { refreshed, failed };
}
