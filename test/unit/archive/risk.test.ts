import { describe, expect, it } from 'vitest';
import { assessRisk, backfillProgress, RECORDING_RETENTION_MS } from '../../../src/archive/risk.ts';
import { adaptWindow, DAY_MS, HOUR_MS, readFrom, windowAt } from '../../../src/archive/windows.ts';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('risk of losing recordings', () => {
  const quiet = { inflowPerDay: 0, unlisted: null };

  it('is nothing when every recording is archived', () => {
    expect(assessRisk({ now, unarchived: [], ...quiet, capacityPerDay: 14_400 })).toEqual({
      atRisk: 0,
      oldestAgeDays: null,
      projectedLoss: 0,
      lossByRule: { retention: 0, cap: 0 },
      firstLossAt: null,
    });
  });

  it('counts what RingCentral deletes at 90 days before the budget reaches it, oldest first', () => {
    // 10 recordings 89.9 days old; at 1 an hour only those reached within ~2.5 h survive.
    const old = Array.from({ length: 10 }, () => now - RECORDING_RETENTION_MS + 2.5 * HOUR_MS);
    const risk = assessRisk({ now, unarchived: old, ...quiet, capacityPerDay: 24 });
    expect(risk.atRisk).toBe(10);
    expect(risk.oldestAgeDays).toBe(89);
    expect(risk.projectedLoss).toBe(8);
    expect(risk.lossByRule).toEqual({ retention: 8, cap: 0 });
    expect(risk.firstLossAt).toBe(old[0]! + RECORDING_RETENTION_MS);
    // A budget 100 times larger reaches all of them in time.
    expect(assessRisk({ now, unarchived: old, ...quiet, capacityPerDay: 2_400 }).projectedLoss).toBe(0);
  });

  it('adds the recordings expected in history not listed yet', () => {
    // 1,000 recordings spread over the day before RingCentral deletes them, 10 an hour fetched: the
    // archive saves 240 that day (skipping those it can no longer reach), RingCentral takes the rest.
    const risk = assessRisk({
      now,
      unarchived: [now - DAY_MS],
      unlisted: {
        count: 1000,
        from: now - RECORDING_RETENTION_MS + 30 * 60_000,
        to: now - RECORDING_RETENTION_MS + DAY_MS,
      },
      inflowPerDay: 0,
      capacityPerDay: 240,
    });
    expect(risk.atRisk).toBe(1001);
    expect(risk.oldestAgeDays).toBe(89);
    expect(risk.projectedLoss).toBeGreaterThan(1000 - 250);
    expect(risk.projectedLoss).toBeLessThan(1000 - 230);
  });

  it('sees the guide company lose recordings to the 100,000 cap with one user, and none with three', () => {
    // 40,000 a day, one user fetches 14,400 a day; a day of history waits.
    const day = Array.from({ length: 40_000 }, (_, i) => now - DAY_MS + (i * DAY_MS) / 40_000);
    const one = assessRisk({
      now,
      unarchived: day,
      unlisted: null,
      inflowPerDay: 40_000,
      capacityPerDay: 14_400,
    });
    expect(one.lossByRule.retention).toBe(0);
    expect(one.lossByRule.cap).toBeGreaterThan(100_000);
    // Recording i of the backlog goes once 60,000 + i more arrive (1.5 days and on); fetching
    // 14,400 a day, the archive is overtaken at i ≈ 33,750, about 2.34 days from now.
    expect(one.firstLossAt! - now).toBeGreaterThan(2.3 * DAY_MS);
    expect(one.firstLossAt! - now).toBeLessThan(2.4 * DAY_MS);
    const three = assessRisk({
      now,
      unarchived: day,
      unlisted: null,
      inflowPerDay: 40_000,
      capacityPerDay: 43_200,
    });
    expect(three.projectedLoss).toBe(0);
  });
});

describe('backfill progress', () => {
  it('reports done and total history and an estimate at the run’s pace', () => {
    const start = now - 100 * DAY_MS;
    const p = backfillProgress({
      start,
      until: start + 40 * DAY_MS,
      now,
      advancedMs: 10 * DAY_MS,
      runMs: HOUR_MS,
    });
    expect(p).toEqual({ doneMs: 40 * DAY_MS, totalMs: 100 * DAY_MS, etaMs: 6 * HOUR_MS });
    expect(backfillProgress({ start, until: now, now, advancedMs: 0, runMs: HOUR_MS }).etaMs).toBe(0);
    expect(backfillProgress({ start, until: null, now, advancedMs: 0, runMs: HOUR_MS }).etaMs).toBeNull();
  });
});

describe('time windows', () => {
  it('reads from the cursor minus the lookback, never before the backfill start', () => {
    expect(readFrom(null, now - 10 * DAY_MS, 48 * HOUR_MS)).toBe(now - 10 * DAY_MS);
    expect(readFrom(now - HOUR_MS, now - 10 * DAY_MS, 48 * HOUR_MS)).toBe(now - 49 * HOUR_MS);
    expect(readFrom(now - 9.5 * DAY_MS, now - 10 * DAY_MS, 48 * HOUR_MS)).toBe(now - 10 * DAY_MS);
  });

  it('stretches the last window to now and adapts the length to how busy the account is', () => {
    expect(windowAt(now - 100 * DAY_MS, now, 7 * DAY_MS, 48 * HOUR_MS)).toEqual({
      from: now - 100 * DAY_MS,
      to: now - 93 * DAY_MS,
      last: false,
    });
    expect(windowAt(now - 8 * DAY_MS, now, 7 * DAY_MS, 48 * HOUR_MS)).toEqual({
      from: now - 8 * DAY_MS,
      to: now,
      last: true,
    });
    expect(adaptWindow(7 * DAY_MS, 10)).toBe(14 * DAY_MS);
    expect(adaptWindow(7 * DAY_MS, 5_000)).toBe(3.5 * DAY_MS);
    expect(adaptWindow(7 * DAY_MS, 1_000)).toBe(7 * DAY_MS);
    expect(adaptWindow(HOUR_MS, 100_000)).toBe(HOUR_MS);
    expect(adaptWindow(31 * DAY_MS, 0)).toBe(31 * DAY_MS);
  });
});
