import { DAY_MS } from './windows.ts';

/**
 * Which recordings RingCentral will delete before the archive reaches them. RingCentral keeps a
 * recording for 90 days, and no more than 100,000 per account: a new recording past the cap
 * pushes out the oldest (RingCentral's recording retention: 90 days, at most 100,000 per account). Both rules delete the oldest
 * first, so the archive fetches oldest first, and each recording has a deadline:
 *
 * - 90 days after its call started;
 * - once `cap` newer recordings exist. A recording not archived yet has as many newer ones as
 *   there are unarchived recordings after it (everything newer that is archived was archived after
 *   it, which oldest-first order does not do), and every new recording adds one, at the inflow's
 *   pace. One with `cap` newer ones already is gone (its deadline is just past).
 *
 * New recordings arrive evenly at the inflow's pace, each with the same two deadlines. The archive
 * fetches one recording every 1/capacity, oldest first, and spends nothing on one it can no longer
 * reach in time (it is gone by then either way). A recording is lost when its deadline, within the
 * horizon, comes before the archive gets to it. Pure arithmetic, so the dashboard, the e-mail
 * alerts, the advice and the tests agree.
 */

export const RECORDING_RETENTION_MS = 90 * DAY_MS;
const RECORDING_CAP = 100_000;
/** How far ahead the projection looks: a week, the span over which inflow is measured. */
const PROJECTION_HORIZON_MS = 7 * DAY_MS;

export interface RiskInput {
  now: number;
  /** Start times of recordings known not to be archived (listed, waiting for their turn or a retry). */
  unarchived: readonly number[];
  /** Recordings expected in history not listed yet, spread evenly over [from, to]. */
  unlisted: { count: number; from: number; to: number } | null;
  /** New recordings per day. */
  inflowPerDay: number;
  /** Recordings the archive can fetch per day (every healthy user's Heavy budget). */
  capacityPerDay: number;
  cap?: number;
  retentionMs?: number;
  horizonMs?: number;
}

export interface Risk {
  /** Recordings not archived yet (known plus estimated): the backlog. */
  atRisk: number;
  oldestAgeDays: number | null;
  /** Recordings RingCentral will delete within the horizon before the archive reaches them. */
  projectedLoss: number;
  /** Of those, how many each rule deletes. */
  lossByRule: { retention: number; cap: number };
  /** When the first of them is deleted; null when none is. */
  firstLossAt: number | null;
}

/** One recording the archive has ahead of it: when it can be fetched, and when it is deleted. */
interface Ahead {
  release: number;
  deadline: number;
  rule: 'retention' | 'cap';
}

/**
 * The backlog (oldest first), then the recordings arriving within the horizon, each with its
 * deadline. Deadlines never decrease along the way, so fetching in this order is also fetching
 * what RingCentral deletes next first.
 */
function* recordingsAhead(input: RiskInput): Generator<Ahead> {
  const { now } = input;
  const cap = input.cap ?? RECORDING_CAP;
  const retentionMs = input.retentionMs ?? RECORDING_RETENTION_MS;
  const horizonMs = input.horizonMs ?? PROJECTION_HORIZON_MS;
  const perMs = Math.max(0, input.inflowPerDay) / DAY_MS;
  const backlog = backlogTimes(input);
  const deadline = (start: number, newer: number, at: number): Ahead => {
    const byRetention = start + retentionMs;
    const byCap = newer >= cap ? at - 1 : perMs > 0 ? at + (cap - newer) / perMs : Infinity;
    return byCap < byRetention
      ? { release: at, deadline: byCap, rule: 'cap' }
      : { release: at, deadline: byRetention, rule: 'retention' };
  };
  for (let i = 0; i < backlog.length; i += 1) yield deadline(backlog[i]!, backlog.length - 1 - i, now);
  if (perMs <= 0) return;
  const arrivals = Math.floor(perMs * horizonMs);
  for (let k = 1; k <= arrivals; k += 1) {
    const at = now + k / perMs;
    yield deadline(at, 0, at);
  }
}

function backlogTimes(input: RiskInput): number[] {
  const times = [...input.unarchived];
  const unlisted = input.unlisted;
  if (unlisted && unlisted.count > 0) {
    const count = Math.round(unlisted.count);
    const step = count > 1 ? (unlisted.to - unlisted.from) / (count - 1) : 0;
    for (let i = 0; i < count; i += 1) times.push(unlisted.from + i * step);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Slack for "in time", for float rounding at epoch-millisecond magnitudes (about 0.0002 ms): a
 * thousandth of a millisecond changes no real outcome.
 */
const EPSILON_MS = 1e-3;

export function assessRisk(input: RiskInput): Risk {
  const { now } = input;
  const horizonEnd = now + (input.horizonMs ?? PROJECTION_HORIZON_MS);
  const perFetchMs = input.capacityPerDay > 0 ? DAY_MS / input.capacityPerDay : Infinity;
  const keepsUp = input.capacityPerDay >= input.inflowPerDay && input.inflowPerDay > 0;
  const times = backlogTimes(input);
  const lossByRule = { retention: 0, cap: 0 };
  let firstLossAt: number | null = null;
  // The archive works in busy spells: from the release of the spell's first recording, one fetch
  // after the other (computed from the spell's start, so rounding does not add up).
  let spellStart = now;
  let fetched = 0;
  let busyUntil = now;
  let seen = 0;
  for (const item of recordingsAhead(input)) {
    seen += 1;
    const idle = item.release > busyUntil;
    // Caught up with a budget that keeps up: every later arrival is fetched as it arrives.
    if (idle && seen > times.length && keepsUp && item.release + perFetchMs <= item.deadline + EPSILON_MS)
      break;
    const finish = idle ? item.release + perFetchMs : spellStart + (fetched + 1) * perFetchMs;
    if (finish <= item.deadline + EPSILON_MS) {
      if (idle) {
        spellStart = item.release;
        fetched = 0;
      }
      fetched += 1;
      busyUntil = finish;
    } else if (item.deadline <= horizonEnd) {
      lossByRule[item.rule] += 1;
      firstLossAt ??= item.deadline;
    }
  }
  return {
    atRisk: times.length,
    oldestAgeDays: times.length ? Math.floor((now - times[0]!) / DAY_MS) : null,
    projectedLoss: lossByRule.retention + lossByRule.cap,
    lossByRule,
    firstLossAt,
  };
}

interface BackfillProgress {
  /** Milliseconds of history archived since the backfill start. */
  doneMs: number;
  totalMs: number;
  /** At this run's pace; null when nothing moved yet. */
  etaMs: number | null;
}

export function backfillProgress(input: {
  start: number;
  until: number | null;
  now: number;
  /** How far the cursor moved during this run, and how long the run took. */
  advancedMs: number;
  runMs: number;
}): BackfillProgress {
  const totalMs = Math.max(0, input.now - input.start);
  const doneMs = Math.min(totalMs, Math.max(0, (input.until ?? input.start) - input.start));
  const remaining = totalMs - doneMs;
  const rate = input.runMs > 0 ? input.advancedMs / input.runMs : 0;
  return { doneMs, totalMs, etaMs: remaining <= 0 ? 0 : rate > 0 ? Math.round(remaining / rate) : null };
}
