import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Connection, Run, Store, Tenant } from '../../store/types.ts';

/** Everything the dashboard shows, gathered in one place so the template only formats. */
export interface DashboardModel {
  tenant: Tenant;
  ringcentral: ConnectionView | null;
  dropbox: ConnectionView | null;
  schedule: { nextRunAt: Date | null; running: boolean } | null;
  lastRun: Run | null;
  runs: Run[];
  totals: Array<{ kind: string; count: number; bytes: number }>;
  outstanding: { pending: number; failed: number; skipped: number };
}

interface ConnectionView {
  label: string;
  healthy: boolean;
  problem: string | null;
  connectedAt: Date;
}

const view = (c: Connection | null): ConnectionView | null =>
  c && {
    label: c.accountLabel,
    healthy: !c.lastRefreshError,
    problem: c.lastRefreshError,
    connectedAt: c.createdAt,
  };

export async function buildDashboard(
  deps: { store: Store; scheduler: Scheduler },
  tenantId: string,
): Promise<DashboardModel | null> {
  const { store } = deps;
  const tenant = await store.getTenant(tenantId);
  if (!tenant || tenant.status === 'uninstalled') return null;
  const [rc, dbx, schedule, runs, totals, outstanding] = await Promise.all([
    store.getConnection(tenantId, 'ringcentral'),
    store.getConnection(tenantId, 'dropbox'),
    deps.scheduler.status(tenantId),
    store.listRuns(tenantId, { limit: 10 }),
    store.ledgerTotals(tenantId),
    store.countOutstanding(tenantId),
  ]);
  return {
    tenant,
    ringcentral: view(rc),
    dropbox: view(dbx),
    schedule: schedule && { nextRunAt: schedule.nextRunAt, running: schedule.running },
    lastRun: runs.items[0] ?? null,
    runs: runs.items,
    totals: Object.entries(totals).map(([kind, t]) => ({ kind, ...t })),
    outstanding,
  };
}
