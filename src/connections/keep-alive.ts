import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/types.ts';
import type { Connections } from './index.ts';

/** A RingCentral refresh token lives 7 days; refreshing any token older than this keeps it alive. */
const REFRESH_WHEN_OLDER_THAN_MS = 20 * 3_600_000;
/** Connections read per page while looking for companies due a keep-alive. */
const PAGE_SIZE = 500;

export interface KeepAliveDeps {
  store: Store;
  connections: Connections;
  clock: Clock;
  logger: Logger;
}

export interface KeepAliveResult {
  refreshed: number;
  failed: number;
}

/**
 * The daily keep-alive: every connection not refreshed in the last 20 hours is refreshed now, so a
 * company with no calls for weeks (or a paused one) still has working tokens when activity returns.
 * The companies that have such a connection come a page of connections at a time (the daily job
 * queues one job per company from them, runtime/keep-alive-job.ts); each company's job then
 * refreshes its own.
 */
export async function* companiesDueKeepAlive(
  deps: Pick<KeepAliveDeps, 'store' | 'clock'>,
): AsyncGenerator<string[]> {
  const refreshedBefore = new Date(deps.clock.now() - REFRESH_WHEN_OLDER_THAN_MS);
  let after: string | null = null;
  let previous: string | null = null;
  do {
    const page = await deps.store.pageConnections({ refreshedBefore, limit: PAGE_SIZE, after });
    // Ordered by company: a company spanning two pages is given once.
    const ids = [...new Set(page.items.map((c) => c.tenantId))].filter((id) => id !== previous);
    previous = page.items.at(-1)?.tenantId ?? previous;
    if (ids.length > 0) yield ids;
    after = page.next;
  } while (after);
}

/**
 * One company's keep-alive. Companies that need reconnecting (or are gone) are left alone: their
 * grant is gone, retrying only adds noise.
 */
export async function keepCompanyAlive(deps: KeepAliveDeps, tenantId: string): Promise<KeepAliveResult> {
  const { store, clock } = deps;
  const result: KeepAliveResult = { refreshed: 0, failed: 0 };
  const tenant = await store.getTenant(tenantId);
  if (tenant?.status !== 'active' && tenant?.status !== 'paused') return result;
  for (const conn of await store.listConnections({ tenantId })) {
    const last = (conn.lastRefreshedAt ?? conn.createdAt).getTime();
    if (clock.now() - last < REFRESH_WHEN_OLDER_THAN_MS) continue;
    const provider = deps.connections.ofConnection(conn.provider);
    if (!provider?.keepAlive) continue;
    try {
      await provider.keepAlive(conn);
      result.refreshed += 1;
    } catch (error) {
      result.failed += 1;
      deps.logger.warn(
        { tenantId, provider: conn.provider, err: { message: errorMessage(error) } },
        'keep-alive refresh failed',
      );
    }
  }
  return result;
}

/** The whole deployment's keep-alive in this process, company after company (the operator's way). */
export async function keepTokensAlive(deps: KeepAliveDeps): Promise<KeepAliveResult> {
  const total: KeepAliveResult = { refreshed: 0, failed: 0 };
  for await (const tenantIds of companiesDueKeepAlive(deps))
    for (const tenantId of tenantIds) {
      const result = await keepCompanyAlive(deps, tenantId);
      total.refreshed += result.refreshed;
      total.failed += result.failed;
    }
  return total;
}
