import pMap from 'p-map';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { AlertKind, Notifier } from '../../notifications/index.ts';
import type { JsonObject, Run, Store, Tenant, TenantStatus } from '../../store/types.ts';

/** One line of the operator page: a tenant's health at a glance. */
interface OperatorTenantRow {
  id: string;
  companyName: string;
  status: TenantStatus;
  statusReason: string | null;
  lastRun: { status: string; startedAt: Date } | null;
  /** Null when no archive run among the recent ones succeeded. */
  lastSuccessAt: Date | null;
  backlog: { pending: number; failed: number };
  risk: { atRisk: number; oldestAgeDays: number | null; projectedLoss: number } | null;
  space: { used: number; allocated: number | null } | null;
  nextRunAt: Date | null;
  running: boolean;
  alerts: AlertKind[];
}

interface OperatorOverview {
  tenants: OperatorTenantRow[];
  counts: { total: number; needsReconnect: number; withAlerts: number; pending: number; failed: number };
  /** How many recent runs were searched for the last success. */
  runsSearched: number;
}

const RUNS_SEARCHED = 50;
/** Who needs an operator's eyes first. */
const ORDER: Record<TenantStatus, number> = { needs_reconnect: 0, active: 2, paused: 3, uninstalled: 4 };

export async function buildOperatorOverview(deps: {
  store: Store;
  scheduler: Scheduler;
  notifier: Notifier;
}): Promise<OperatorOverview> {
  const tenants = await deps.store.listTenants();
  const rows = await pMap(tenants, (tenant) => rowFor(deps, tenant), { concurrency: 8 });
  const rank = (row: OperatorTenantRow) =>
    row.status === 'active' && row.alerts.length ? 1 : ORDER[row.status];
  rows.sort((a, b) => rank(a) - rank(b) || a.companyName.localeCompare(b.companyName));
  return {
    tenants: rows,
    counts: {
      total: rows.length,
      needsReconnect: rows.filter((r) => r.status === 'needs_reconnect').length,
      withAlerts: rows.filter((r) => r.alerts.length > 0).length,
      pending: rows.reduce((sum, r) => sum + r.backlog.pending, 0),
      failed: rows.reduce((sum, r) => sum + r.backlog.failed, 0),
    },
    runsSearched: RUNS_SEARCHED,
  };
}

async function rowFor(
  deps: { store: Store; scheduler: Scheduler; notifier: Notifier },
  tenant: Tenant,
): Promise<OperatorTenantRow> {
  const [runs, outstanding, schedule, alerts] = await Promise.all([
    deps.store.listRuns(tenant.id, { limit: RUNS_SEARCHED }),
    deps.store.countOutstanding(tenant.id),
    deps.scheduler.status(tenant.id),
    deps.notifier.openAlerts(tenant.id),
  ]);
  const archiveRuns = runs.items.filter((r) => r.trigger !== 'verify');
  const finished = archiveRuns.filter((r) => r.finishedAt);
  const lastSuccess = finished.find((r) => r.status === 'succeeded' || r.status === 'partial');
  const latest = archiveRuns[0];
  return {
    id: tenant.id,
    companyName: tenant.companyName,
    status: tenant.status,
    statusReason: tenant.statusReason,
    lastRun: latest ? { status: latest.status, startedAt: latest.startedAt } : null,
    lastSuccessAt: lastSuccess?.finishedAt ?? null,
    backlog: { pending: outstanding.pending, failed: outstanding.failed },
    risk: riskOf(finished),
    space: spaceOf(finished),
    nextRunAt: schedule?.nextRunAt ?? null,
    running: schedule?.running ?? false,
    alerts: Object.keys(alerts) as AlertKind[],
  };
}

const object = (v: unknown): JsonObject | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** From the newest run that measured it (a run that stopped early may not have). */
function riskOf(runs: Run[]): OperatorTenantRow['risk'] {
  const risk = runs.map((r) => object(r.stats.risk)).find(Boolean);
  return risk
    ? {
        atRisk: number(risk.atRisk) ?? 0,
        oldestAgeDays: number(risk.oldestAgeDays),
        projectedLoss: number(risk.projectedLoss) ?? 0,
      }
    : null;
}

function spaceOf(runs: Run[]): OperatorTenantRow['space'] {
  const space = runs.map((r) => object(r.stats.space)).find(Boolean);
  const used = number(space?.used);
  return space && used !== null ? { used, allocated: number(space.allocated) } : null;
}
