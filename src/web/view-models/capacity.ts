import type { JsonObject, Run } from '../../store/types.ts';

/**
 * The dashboard's capacity panel, from the newest finished run's capacity figures (archive/
 * capacity.ts): how many recordings a day the company makes, how many a day the connected users'
 * learned Heavy limits can download, the backlog, what RingCentral will delete before the archive
 * gets there, and the advice — how many more users keep up, or which Heavy limit to ask for.
 */
export interface CapacityPanel {
  inflowPerDay: number;
  capacityPerDay: number;
  users: number;
  heavyLimit: number;
  windowSeconds: number;
  backlog: number;
  projectedLoss: number;
  firstLossAt: Date | null;
  keepsUp: boolean;
  /** Share of the inflow the capacity covers (capped for the bar at 1). */
  coverage: number;
  advice: string;
  /** When the figures were measured (the run's end). */
  measuredAt: Date | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function capacityPanel(runs: readonly Run[]): CapacityPanel | null {
  const run = runs.find((r) => r.trigger !== 'verify' && r.finishedAt && isObject(r.stats.capacity));
  if (!run) return null;
  const c = run.stats.capacity as JsonObject;
  const inflowPerDay = num(c.inflowPerDay) ?? 0;
  const capacityPerDay = num(c.capacityPerDay) ?? 0;
  const users = num(c.users) ?? 1;
  const usersNeeded = num(c.usersNeeded);
  const heavyLimitNeeded = num(c.heavyLimitNeeded);
  const windowSeconds = num(c.windowSeconds) ?? 60;
  const projectedLoss = num(c.projectedLoss) ?? 0;
  const keepsUp = c.keepsUp === true;
  const firstLossAt = num(c.firstLossAt);
  return {
    inflowPerDay,
    capacityPerDay,
    users,
    heavyLimit: num(c.heavyLimit) ?? 0,
    windowSeconds,
    backlog: num(c.atRisk) ?? 0,
    projectedLoss,
    firstLossAt: firstLossAt === null ? null : new Date(firstLossAt),
    keepsUp,
    coverage: inflowPerDay > 0 ? Math.min(1, capacityPerDay / inflowPerDay) : 1,
    advice: advice({ keepsUp, projectedLoss, users, usersNeeded, heavyLimitNeeded, windowSeconds }),
    measuredAt: run.finishedAt,
  };
}

function advice(a: {
  keepsUp: boolean;
  projectedLoss: number;
  users: number;
  usersNeeded: number | null;
  heavyLimitNeeded: number | null;
  windowSeconds: number;
}): string {
  if (a.keepsUp && a.projectedLoss === 0)
    return 'The connected users keep up: nothing is expected to be lost.';
  const ways: string[] = [];
  if (a.usersNeeded !== null && a.usersNeeded > a.users) {
    const more = a.usersNeeded - a.users;
    ways.push(
      `add ${more} more RingCentral user${more === 1 ? '' : 's'} on the settings page (${a.usersNeeded} in all)`,
    );
  }
  if (a.heavyLimitNeeded !== null)
    ways.push(
      `ask RingCentral to raise the app's Heavy limit to ${a.heavyLimitNeeded} requests per ${a.windowSeconds} s`,
    );
  return ways.length
    ? `To lose nothing: ${ways.join(', or ')}.`
    : 'More users would not save what RingCentral deletes first; copy the oldest recordings by hand.';
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
