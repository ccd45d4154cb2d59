import { companyDestination, DESTINATION_PROVIDERS } from '../../connections/company-destination.ts';
import { REPORT_KIND_ID } from '../../archive/kinds/registry.ts';
import { MAILBOX_ACCESS } from '../../archive/mailbox-access.ts';
import { MAILBOX_PROBLEMS } from '../../archive/streams/messages/mailbox-problems.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Connection, JsonObject, Run, StateRecord, Store, Tenant } from '../../store/types.ts';
import { pushView, type PushView } from './push.ts';
import { capacityPanel, type CapacityPanel } from './capacity.ts';

/** Everything the dashboard shows, gathered in one place so the template only formats. */
interface DashboardModel {
  tenant: Tenant;
  ringcentral: ConnectionView | null;
  /** Where the archive goes, named as the registry names it; null before one is connected. */
  destination: (ConnectionView & { id: string; displayName: string }) | null;
  /** The destinations a company can connect, for the page's choice before it has one. */
  destinations: ReadonlyArray<{ id: string; displayName: string }>;
  schedule: { nextRunAt: Date | null; running: boolean } | null;
  lastRun: Run | null;
  lastVerify: Run | null;
  runs: Run[];
  totals: Array<{ kind: string; count: number; bytes: number }>;
  outstanding: { pending: number; failed: number; skipped: number };
  progress: { doneDays: number; totalDays: number; etaMs: number | null } | null;
  risk: { atRisk: number; oldestAgeDays: number | null; projectedLoss: number } | null;
  /** The capacity panel (view-models/capacity.ts). */
  capacity: CapacityPanel | null;
  problem: string | null;
  /** Push notifications: live or not, the last one's time, whether calls come by them too. */
  push: PushView;
  mailboxes: {
    mode: string | null;
    problems: Array<{ extensionId: string; status: string; errorCode: string; error: string }>;
  };
}

interface ConnectionView {
  label: string;
  healthy: boolean;
  problem: string | null;
  connectedAt: Date;
}

const DAY_MS = 86_400_000;

const view = (c: Connection | null): ConnectionView | null =>
  c && {
    label: c.accountLabel,
    healthy: !c.lastRefreshError,
    problem: c.lastRefreshError,
    connectedAt: c.createdAt,
  };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): JsonObject | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;

export async function buildDashboard(
  deps: { store: Store; scheduler: Scheduler; subscriptions: { enabled: boolean }; now: () => number },
  tenantId: string,
): Promise<DashboardModel | null> {
  const { store } = deps;
  const tenant = await store.getTenant(tenantId);
  if (!tenant || tenant.status === 'uninstalled') return null;
  const [rc, dbx, schedule, runs, totals, outstanding, state] = await Promise.all([
    store.getConnection(tenantId, 'ringcentral'),
    companyDestination(store, tenantId),
    deps.scheduler.status(tenantId),
    store.listRuns(tenantId, { limit: 20 }),
    store.ledgerTotals(tenantId),
    store.countOutstanding(tenantId),
    store.listState(tenantId, { prefix: 'mailbox-' }),
  ]);
  const archiveRuns = runs.items.filter((r) => r.trigger !== 'verify');
  const lastRun = archiveRuns[0] ?? null;
  const finished = archiveRuns.find((r) => r.finishedAt) ?? null;
  const progress = obj(finished?.stats.progress);
  const risk = obj(finished?.stats.risk);
  const done = num(progress?.doneMs);
  const total = num(progress?.totalMs);
  return {
    tenant,
    ringcentral: view(rc),
    destination: dbx && { ...view(dbx.connection)!, id: dbx.id, displayName: dbx.displayName },
    destinations: DESTINATION_PROVIDERS.map(({ id, displayName }) => ({ id, displayName })),
    schedule: schedule && { nextRunAt: schedule.nextRunAt, running: schedule.running },
    lastRun,
    lastVerify: runs.items.find((r) => r.trigger === 'verify' && r.finishedAt) ?? null,
    runs: runs.items.slice(0, 10),
    totals: Object.entries(totals)
      .filter(([kind]) => kind !== REPORT_KIND_ID)
      .map(([kind, t]) => ({ kind, ...t })),
    outstanding,
    // Shown while history is still being backfilled (less than the whole range is done).
    progress:
      done !== null && total !== null && total - done > DAY_MS
        ? {
            doneDays: Math.floor(done / DAY_MS),
            totalDays: Math.ceil(total / DAY_MS),
            etaMs: num(progress?.etaMs),
          }
        : null,
    risk: risk && {
      atRisk: num(risk.atRisk) ?? 0,
      oldestAgeDays: num(risk.oldestAgeDays),
      projectedLoss: num(risk.projectedLoss) ?? 0,
    },
    problem: typeof finished?.stats.problem === 'string' ? finished.stats.problem : null,
    push: await pushView(
      { store, enabled: deps.subscriptions.enabled, now: deps.now() },
      tenantId,
      archiveRuns,
    ),
    mailboxes: mailboxView(state),
    capacity: capacityPanel(archiveRuns),
  };
}

function mailboxView(state: StateRecord[]): DashboardModel['mailboxes'] {
  const record = (key: string) => state.find((r) => r.key === key) ?? null;
  const access = MAILBOX_ACCESS.fromRecord(record(MAILBOX_ACCESS.key)).value;
  const { mailboxes } = MAILBOX_PROBLEMS.fromRecord(record(MAILBOX_PROBLEMS.key)).value;
  const problems = Object.entries(mailboxes).map(([extensionId, p]) => ({
    extensionId,
    status: p.status,
    errorCode: p.errorCode,
    error: p.error,
  }));
  return { mode: access.mode, problems };
}
