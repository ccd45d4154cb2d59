import { DAY_MS, HOUR_MS } from './windows.ts';

/**
 * How close unarchived recordings are to RingCentral's deletion (90 days), and whether the
 * archive can get to them in time at the tenant's rate budget. Pure arithmetic, so the dashboard,
 * the e-mail alerts and the tests agree.
 */

export const RECORDING_RETENTION_MS = 90 * DAY_MS;

export interface RiskInput {
  now: number;
  /** Start times of recordings known not to be archived (listed this run, or waiting to retry). */
  unarchived: readonly number[];
  /** Recordings expected in history not listed yet, spread evenly over [from, to]. */
  unlisted: { count: number; from: number; to: number } | null;
  /** Recordings the rate budget lets the archive download per hour. */
  drainPerHour: number;
}

export interface Risk {
  /** Recordings not archived yet (known plus estimated). */
  atRisk: number;
  oldestAgeDays: number | null;
  /** Of those, how many RingCentral will delete before the archive reaches them at this rate. */
  projectedLoss: number;
}

export function assessRisk(input: RiskInput): Risk {
  const times = [...input.unarchived];
  const unlisted = input.unlisted;
  if (unlisted && unlisted.count > 0) {
    const count = Math.round(unlisted.count);
    const step = count > 1 ? (unlisted.to - unlisted.from) / (count - 1) : 0;
    for (let i = 0; i < count; i += 1) times.push(unlisted.from + i * step);
  }
  times.sort((a, b) => a - b);
  const perMs = input.drainPerHour / HOUR_MS;
  let projectedLoss = 0;
  times.forEach((startedAt, position) => {
    const reachedAt = input.now + (perMs > 0 ? (position + 1) / perMs : Infinity);
    if (reachedAt > startedAt + RECORDING_RETENTION_MS) projectedLoss += 1;
  });
  return {
    atRisk: times.length,
    oldestAgeDays: times.length ? Math.floor((input.now - times[0]!) / DAY_MS) : null,
    projectedLoss,
  };
}

export interface BackfillProgress {
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
