/**
 * Backfill walks history oldest first in time windows, so memory holds one window's records and
 * the cursor can move after each. Window length adapts to how busy the account is: a quiet month
 * is one request, a busy day is split so a window stays near a few thousand records.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 31 * DAY_MS;
const TARGET_RECORDS = 2_000;

export function adaptWindow(windowMs: number, records: number): number {
  const next =
    records > TARGET_RECORDS ? windowMs / 2 : records < TARGET_RECORDS / 8 ? windowMs * 2 : windowMs;
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.round(next)));
}

export interface Window {
  from: number;
  to: number;
  /** The last window reaches now: after it the stream is caught up. */
  last: boolean;
}

/** The window starting at `from`; the last one stretches to now when little is left. */
export function windowAt(from: number, now: number, windowMs: number, lookbackMs: number): Window {
  if (now - from <= windowMs + lookbackMs) return { from, to: now, last: true };
  return { from, to: from + windowMs, last: false };
}

/** Where a stream starts reading: its cursor minus the lookback, never before the backfill start. */
export function readFrom(until: number | null, backfillStart: number, lookbackMs: number): number {
  return until === null ? backfillStart : Math.max(backfillStart, until - lookbackMs);
}

/** The time of some record whose time lies in [from, to] (both inclusive), or null when none does. */
export type RecordProbe = (from: number, to: number) => Promise<number | null>;

/**
 * Where history begins in [from, to]: an instant at most `resolutionMs` before the oldest record,
 * or `to` when the range holds nothing. Each probe asks for one record; an empty half moves the
 * start past it and a record found bounds the oldest from above, so the range at least halves per
 * probe whatever order the source lists records in. A year of empty history costs one probe
 * instead of a window a month, and history that begins last week about eight.
 */
export async function findHistoryStart(
  probe: RecordProbe,
  from: number,
  to: number,
  resolutionMs: number,
): Promise<number> {
  const within = (at: number | null, lo: number, hi: number) =>
    at === null ? null : Number.isFinite(at) ? Math.min(hi, Math.max(lo, at)) : lo;
  const any = within(await probe(from, to), from, to);
  if (any === null) return to;
  let lo = from;
  let hi = any;
  while (hi - lo > resolutionMs) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const found = within(await probe(lo, mid), lo, mid);
    if (found === null) lo = mid;
    else hi = found;
  }
  return lo;
}
