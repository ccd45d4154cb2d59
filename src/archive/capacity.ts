import { assessRisk, type Risk, type RiskInput } from './risk.ts';
import { DAY_MS } from './windows.ts';

/**
 * Inflow against capacity: how many recordings a day the company makes, how many a day the
 * connected users' rate budgets can fetch, and what it takes to lose none — more users (RingCentral
 * counts rate limits per user and app, so each connected user brings a Heavy budget of its own), or
 * a higher Heavy limit for the app (RingCentral's developer support can raise an app's limits).
 */

/** Inflow is measured over the last week. */
const INFLOW_SPAN_MS = 7 * DAY_MS;
/** Days of counts kept: enough for the week and for what 90-day retention still holds. */
const KEPT_DAYS = 91;
/** Users the advice considers at most; beyond that it says "ask RingCentral for a higher limit". */
const MAX_USERS = 1_000;
/** The highest Heavy limit (per window) the advice asks RingCentral for. */
const MAX_HEAVY_LIMIT = 100_000;

/**
 * Recordings listed per UTC day of their call's start, and the earliest start listed. A day's
 * count is the most any listing found for it (a listing may cover part of a day; recordings are
 * only ever added, as far as arrivals go), so listing the same day again never counts it twice.
 */
export interface InflowHistory {
  since: number | null;
  days: Record<string, number>;
  /**
   * How far the listings reached: the inflow is counted up to here, not up to the moment it is
   * read (a run that listed, then worked for a while, would otherwise dilute it).
   */
  until?: number | null;
}

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

const dayStart = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

export function mergeInflow(previous: InflowHistory, listed: InflowHistory, now: number): InflowHistory {
  const days: Record<string, number> = {};
  const oldest = utcDay(now - KEPT_DAYS * DAY_MS);
  for (const source of [previous.days, listed.days])
    for (const [day, count] of Object.entries(source))
      if (day >= oldest) days[day] = Math.max(days[day] ?? 0, count);
  const starts = [previous.since, listed.since].filter((t): t is number => t !== null);
  const ends = [previous.until, listed.until].filter((t): t is number => typeof t === 'number');
  const since = starts.length ? Math.min(...starts) : null;
  return ends.length ? { since, days, until: Math.min(now, Math.max(...ends)) } : { since, days };
}

/**
 * Recordings per day over the last week — or since the first recording listed, when history is
 * shorter (a new company, a backfill that starts later). The day in which the week begins counts
 * for the part of it inside the week.
 */
export function inflowPerDay(history: InflowHistory, now: number): number {
  if (history.since === null) return 0;
  const from = Math.max(now - INFLOW_SPAN_MS, history.since);
  const spanMs = now - from;
  if (spanMs <= 0) return 0;
  const fromDay = utcDay(from);
  let count = 0;
  for (const [day, n] of Object.entries(history.days)) {
    if (day < fromDay) continue;
    // Before `since` nothing was listed: that day counts whole. The week's first day, in part.
    const share = day === fromDay && from !== history.since ? (dayStart(day) + DAY_MS - from) / DAY_MS : 1;
    count += n * share;
  }
  return (count / spanMs) * DAY_MS;
}

interface Budget {
  /** Heavy requests per window of one user, as RingCentral's headers last said. */
  heavyLimit: number;
  windowMs: number;
  /** Connected users whose authorization works. */
  users: number;
}

export const perUserPerDay = (budget: Pick<Budget, 'heavyLimit' | 'windowMs'>): number =>
  (budget.heavyLimit / budget.windowMs) * DAY_MS;

export interface Capacity extends Risk {
  inflowPerDay: number;
  capacityPerDay: number;
  perUserPerDay: number;
  users: number;
  heavyLimit: number;
  windowSeconds: number;
  /** The capacity covers the inflow and loses nothing over the horizon that any budget could save. */
  keepsUp: boolean;
  /** The fewest users that keep up and lose nothing; null when more than MAX_USERS would not. */
  usersNeeded: number | null;
  /** The lowest Heavy limit per window that would do it with the users connected now. */
  heavyLimitNeeded: number | null;
}

type Backlog = Pick<RiskInput, 'now' | 'unarchived' | 'unlisted' | 'cap' | 'retentionMs' | 'horizonMs'>;

/** The smallest n in [lo, hi] for which ok(n) holds, ok being monotone; null when none does. */
function smallest(lo: number, hi: number, ok: (n: number) => boolean): number | null {
  if (!ok(hi)) return null;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function assessCapacity(backlog: Backlog, inflow: number, budget: Budget): Capacity {
  const perUser = perUserPerDay(budget);
  const capacityPerDay = perUser * budget.users;
  const lossAt = (perDay: number) =>
    assessRisk({ ...backlog, inflowPerDay: inflow, capacityPerDay: perDay }).projectedLoss;
  // What no budget can save: recordings RingCentral has deleted already, by its rules' count.
  const gone = lossAt(Number.MAX_VALUE);
  const safe = (perDay: number) => perDay >= inflow && lossAt(perDay) <= gone;
  const risk = assessRisk({ ...backlog, inflowPerDay: inflow, capacityPerDay });
  const keepsUp = safe(capacityPerDay);
  const perLimit = (budget.users * DAY_MS) / budget.windowMs;
  return {
    ...risk,
    inflowPerDay: inflow,
    capacityPerDay,
    perUserPerDay: perUser,
    users: budget.users,
    heavyLimit: budget.heavyLimit,
    windowSeconds: budget.windowMs / 1000,
    keepsUp,
    usersNeeded: smallest(1, MAX_USERS, (n) => safe(n * perUser)),
    heavyLimitNeeded:
      budget.users === 0 ? null : smallest(1, MAX_HEAVY_LIMIT, (limit) => safe(limit * perLimit)),
  };
}
