import { redactUrl } from '../lib/logger.ts';
import type { JsonObject, Provider, RunStatus, TenantStatus } from '../store/types.ts';
import {
  type Assessment,
  type Assessments,
  FAILED_RUNS_THRESHOLD,
  freeSpaceThreshold,
  type OpenAlerts,
  RISK_AGE_DAYS,
  THROTTLED_STORMS,
} from './alerts.ts';

/**
 * When each alert is on, off, or undecided, from what the store knows about a tenant. Pure
 * functions: the notifier gathers the facts, these decide, and the unit tests pin every threshold.
 */

export interface RunFacts {
  /** "verify" runs reconcile the archive instead of extending it; they are left out. */
  trigger: string;
  status: RunStatus;
  stats: JsonObject;
}

export interface TenantFacts {
  status: TenantStatus;
  /** The provider whose authorization was lost just now (the event being handled), if any. */
  lostProvider: Provider | null;
  /** Finished runs, newest first; a few more than FAILED_RUNS_THRESHOLD is plenty. */
  runs: RunFacts[];
  open: OpenAlerts;
  /** Further RingCentral users set aside and not removed or added again since (connections' record). */
  setAsideUsers?: Array<{ label: string; reason: string }>;
}

const UNKNOWN: Assessment = { state: 'unknown' };
const CLEAR: Assessment = { state: 'clear' };

export function assessTenant(facts: TenantFacts): Assessments {
  const reconnect = assessReconnect(facts);
  // While an authorization is missing nothing runs, so older figures say nothing new: the
  // reconnect e-mail is the one thing to act on, and the others neither open, remind nor recover.
  if (reconnect.state === 'active')
    return {
      reconnect,
      failing: UNKNOWN,
      storage: UNKNOWN,
      risk: UNKNOWN,
      throttled: UNKNOWN,
      capped: UNKNOWN,
      users: UNKNOWN,
    };
  const runs = facts.runs.filter(
    (run) => run.trigger !== 'verify' && run.status !== 'running' && run.status !== 'interrupted',
  );
  return {
    reconnect,
    failing: assessFailing(runs),
    storage: assessStorage(runs[0]),
    risk: assessRisk(runs[0]),
    throttled: assessThrottled(runs),
    capped: assessCapped(runs[0]),
    users: assessUsers(facts.setAsideUsers),
  };
}

/**
 * The destination refuses uploads (a Dropbox Business team over its monthly data transport cap):
 * the newest run stopped for it. Told at once, not after FAILED_RUNS_THRESHOLD runs: no retry
 * helps before the month turns. A run that got through clears it.
 */
function assessCapped(run: RunFacts | undefined): Assessment {
  if (!run) return UNKNOWN;
  if (run.stats.stopped === 'capped') {
    const problem = typeof run.stats.problem === 'string' ? redactUrl(run.stats.problem).slice(0, 400) : null;
    return { state: 'active', details: { kind: 'capped', problem } };
  }
  return run.status === 'succeeded' || run.status === 'partial' ? CLEAR : UNKNOWN;
}

/**
 * A further RingCentral user was set aside: its budget no longer counts, so the archive may fall
 * behind. Open while any is set aside; clear once each is removed or added again.
 */
export function assessUsers(users: TenantFacts['setAsideUsers']): Assessment {
  if (users === undefined) return UNKNOWN;
  return users.length > 0 ? { state: 'active', details: { kind: 'users', users } } : CLEAR;
}

/**
 * RingCentral is limiting the whole account: 429s without X-Rate-Limit-* headers (its emergency
 * limit per account and app) came in THROTTLED_STORMS storms, in the newest run or in the newest
 * two. Each storm is waited out on its own; repeated, it means the account's plan is too small for
 * its load or RingCentral is protecting itself, and an admin should know. A run without one
 * clears it.
 */
function assessThrottled(runs: readonly RunFacts[]): Assessment {
  const stormsOf = (run: RunFacts | undefined) => {
    const limit = run?.stats.accountLimit;
    if (!limit || typeof limit !== 'object' || Array.isArray(limit)) return null;
    return {
      storms: typeof limit.storms === 'number' ? limit.storms : 0,
      pausedMs: typeof limit.pausedMs === 'number' ? limit.pausedMs : 0,
    };
  };
  const newest = stormsOf(runs[0]);
  if (!newest) return UNKNOWN;
  if (newest.storms === 0) return CLEAR;
  const previous = stormsOf(runs[1]);
  const both = previous && previous.storms > 0;
  const storms = newest.storms + (both ? previous.storms : 0);
  if (storms < THROTTLED_STORMS) return UNKNOWN;
  const pausedMs = newest.pausedMs + (both ? previous.pausedMs : 0);
  return { state: 'active', details: { kind: 'throttled', storms, runs: both ? 2 : 1, pausedMs } };
}

/**
 * Reconnect needed: the tenant is waiting for a reconnect because an authorization was lost (this
 * event, or one already open). A tenant that is merely not set up yet ("connect Dropbox to start")
 * is not an alert. It recovers when the tenant is active again.
 */
function assessReconnect(facts: TenantFacts): Assessment {
  if (facts.status === 'active') return CLEAR;
  if (facts.status !== 'needs_reconnect') return UNKNOWN;
  const provider =
    facts.lostProvider ??
    (facts.open.reconnect?.details.kind === 'reconnect' ? facts.open.reconnect.details.provider : null);
  return provider ? { state: 'active', details: { kind: 'reconnect', provider } } : UNKNOWN;
}

/** Failing: the newest FAILED_RUNS_THRESHOLD runs all failed; one run that works clears it. */
function assessFailing(runs: readonly RunFacts[]): Assessment {
  const newest = runs[0];
  if (!newest) return UNKNOWN;
  if (newest.status === 'succeeded' || newest.status === 'partial') return CLEAR;
  let streak = 0;
  while (streak < runs.length && runs[streak]!.status === 'failed') streak += 1;
  if (streak < FAILED_RUNS_THRESHOLD) return UNKNOWN;
  // The run's own words for the admin; trimmed, and URLs lose any credential-looking parameter.
  const problem =
    typeof newest.stats.problem === 'string' ? redactUrl(newest.stats.problem).slice(0, 300) : null;
  return { state: 'active', details: { kind: 'failing', failedRuns: streak, problem } };
}

/** Dropbox nearly full: free space below max(500 MB, 5 %) at the newest run's check. */
function assessStorage(run: RunFacts | undefined): Assessment {
  const space = run?.stats.space;
  if (!space || typeof space !== 'object' || Array.isArray(space)) return UNKNOWN;
  const { used, allocated } = space;
  if (typeof used !== 'number' || typeof allocated !== 'number' || allocated <= 0) return UNKNOWN;
  const free = Math.max(0, allocated - used);
  const thresholdBytes = freeSpaceThreshold(allocated);
  return free < thresholdBytes
    ? { state: 'active', details: { kind: 'storage', used, allocated, free, thresholdBytes } }
    : CLEAR;
}

/**
 * Recordings at risk: RingCentral will delete some before the archive reaches them at the current
 * pace (after 90 days, or pushed out by the 100,000 cap — projected, so the alert goes out before
 * the first one is lost), or some unarchived ones are RISK_AGE_DAYS old already. Judged on runs that got through
 * the call log (succeeded or partial): a failed run saw too little to clear the alert.
 */
export function assessRisk(run: RunFacts | undefined): Assessment {
  if (!run || (run.status !== 'succeeded' && run.status !== 'partial')) return UNKNOWN;
  const risk = run.stats.risk;
  if (!risk || typeof risk !== 'object' || Array.isArray(risk)) return UNKNOWN;
  const atRisk = typeof risk.atRisk === 'number' ? risk.atRisk : 0;
  const projectedLoss = typeof risk.projectedLoss === 'number' ? risk.projectedLoss : 0;
  const oldestAgeDays = typeof risk.oldestAgeDays === 'number' ? risk.oldestAgeDays : null;
  const old = atRisk > 0 && oldestAgeDays !== null && oldestAgeDays >= RISK_AGE_DAYS;
  if (projectedLoss <= 0 && !old) return CLEAR;
  // The capacity model's figures and advice, when the run has them (capacity.ts).
  const capacity = run.stats.capacity;
  const figures =
    capacity && typeof capacity === 'object' && !Array.isArray(capacity)
      ? {
          firstLossAt: numberOrNull(capacity.firstLossAt),
          inflowPerDay: numberOrNull(capacity.inflowPerDay) ?? undefined,
          capacityPerDay: numberOrNull(capacity.capacityPerDay) ?? undefined,
          users: numberOrNull(capacity.users) ?? undefined,
          usersNeeded: numberOrNull(capacity.usersNeeded),
          heavyLimitNeeded: numberOrNull(capacity.heavyLimitNeeded),
          windowSeconds: numberOrNull(capacity.windowSeconds) ?? undefined,
        }
      : {};
  return { state: 'active', details: { kind: 'risk', atRisk, oldestAgeDays, projectedLoss, ...figures } };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
