import { listUserConnections, lostUsers, userOfConnection } from '../../connections/index.ts';
import type { Run, Store } from '../../store/types.ts';

/**
 * The settings page's list of further RingCentral users: each with its status (sharing the work,
 * or set aside and why), when a run last used it, and the requests it made in the last hour —
 * taken from the runs' per-user figures (a run's requests count when the run ended within the hour).
 */
export interface UserRow {
  extensionId: string;
  label: string;
  setAside: { reason: string; at: Date } | null;
  /** The refresh token could not be renewed the last time it was tried (not yet known lost). */
  refreshProblem: string | null;
  addedAt: Date;
  lastUsedAt: Date | null;
  requestsLastHour: number;
}

const HOUR_MS = 3_600_000;
const RUNS_READ = 50;

export async function ringCentralUsersView(store: Store, tenantId: string, now: number): Promise<UserRow[]> {
  const [connections, lost, runs] = await Promise.all([
    listUserConnections(store, tenantId),
    lostUsers(store, tenantId),
    store.listRuns(tenantId, { limit: RUNS_READ }),
  ]);
  return connections.map((connection) => {
    const extensionId = userOfConnection(connection.provider)!;
    const use = usage(runs.items, extensionId, now);
    const mark = lost[extensionId];
    return {
      extensionId,
      label: connection.accountLabel,
      setAside: mark ? { reason: mark.reason, at: new Date(mark.at) } : null,
      refreshProblem: connection.lastRefreshError,
      addedAt: connection.createdAt,
      ...use,
    };
  });
}

function usage(runs: readonly Run[], extensionId: string, now: number) {
  let lastUsedAt: Date | null = null;
  let requestsLastHour = 0;
  // Newest first: the first run in which the user made a request is its last use.
  for (const run of runs) {
    const users = Array.isArray(run.stats.users) ? run.stats.users : [];
    const mine = users.find(
      (u) => u && typeof u === 'object' && !Array.isArray(u) && u.id === extensionId,
    ) as { calls?: Record<string, unknown> } | undefined;
    const requests = Object.values(mine?.calls ?? {}).reduce<number>(
      (n, c) => n + (typeof c === 'number' ? c : 0),
      0,
    );
    if (requests === 0) continue;
    const ended = run.finishedAt ?? run.startedAt;
    lastUsedAt ??= ended;
    if (now - ended.getTime() <= HOUR_MS) requestsLastHour += requests;
  }
  return { lastUsedAt, requestsLastHour };
}
