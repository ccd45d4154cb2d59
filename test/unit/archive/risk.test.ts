import { describe, expect, it } from 'vitest';
import { assessRisk, backfillProgress, RECORDING_RETENTION_MS } from '../../../src/archive/risk.ts';
import { adaptWindow, DAY_MS, HOUR_MS, readFrom, windowAt } from '../../../src/archive/windows.ts';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('risk of losing recordings', () => {
  it('is nothing when every recording is archived', () => {
    expect(assessRisk({ now, unarchived: [], unlisted: null, drainPerHour: 600 })).toEqual({
      atRisk: 0,
      oldestAgeDays: null,
      projectedLoss: 0,
    });
  });

  it('counts what RingCentral will delete before the budget reaches it, oldest first', () => {
    // 10 recordings 89.9 days old; at 1 per hour only those reached within ~2.4 h survive.
    const old = Array.from({ length: 10 }, () => now - RECORDING_RETENTION_MS + 2.5 * HOUR_MS);
    const risk = assessRisk({ now, unarchived: old, unlisted: null, drainPerHour: 1 });
    expect(risk.atRisk).toBe(10);
    expect(risk.oldestAgeDays).toBe(89);
    expect(risk.projectedLoss).toBe(8);
    // A budget 100 times larger reaches all of them in time.
    expect(assessRisk({ now, unarchived: old, unlisted: null, drainPerHour: 100 }).projectedLoss).toBe(0);
  });

  it('adds the recordings expected in history not listed yet', () => {
    // 1,000 recordings spread over the day before RingCentral deletes them, 10 an hour drained:
    // the first few are reached in time, then the queue falls behind the deletions.
    const risk = assessRisk({
      now,
      unarchived: [now - DAY_MS],
      unlisted: {
        count: 1000,
        from: now - RECORDING_RETENTION_MS + 30 * 60_000,
        to: now - RECORDING_RETENTION_MS + DAY_MS,
      },
      drainPerHour: 10,
    });
    expect(risk.atRisk).toBe(1001);
    expect(risk.oldestAgeDays).toBe(89);
    expect(risk.projectedLoss).toBeGreaterThan(900);
    expect(risk.projectedLoss).toBeLessThan(1000);
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
