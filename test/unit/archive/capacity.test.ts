/**
 * Inflow (recordings a day over the last week, kept across runs as counts per day) and the
 * capacity advice for RingCentral's own example company.
 */
import { describe, expect, it } from 'vitest';
import { assessCapacity, inflowPerDay, mergeInflow, perUserPerDay } from '../../../src/archive/capacity.ts';
import { DAY_MS } from '../../../src/archive/windows.ts';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('inflow', () => {
  it('keeps the most any listing found per day, so listing a day again never counts it twice', () => {
    const first = mergeInflow(
      { since: null, days: {} },
      { since: now - 2 * DAY_MS, days: { '2026-11-24': 300, '2026-11-25': 400 } },
      now,
    );
    const again = mergeInflow(
      first,
      { since: now - DAY_MS, days: { '2026-11-25': 150, '2026-11-26': 90 } },
      now,
    );
    expect(again).toEqual({
      since: now - 2 * DAY_MS,
      days: { '2026-11-24': 300, '2026-11-25': 400, '2026-11-26': 90 },
    });
    // Days older than what RingCentral keeps fall away.
    expect(mergeInflow(again, { since: null, days: {} }, now + 100 * DAY_MS).days).toEqual({});
  });

  it('is recordings per day over the last week, counting the week’s first day in part', () => {
    const days: Record<string, number> = {};
    for (let d = 0; d <= 10; d += 1) days[new Date(now - d * DAY_MS).toISOString().slice(0, 10)] = 1_000;
    // 2026-11-19 12:00 → now: half of the 19th, six whole days, half of today's count (all of it listed).
    const perDay = inflowPerDay({ since: now - 10 * DAY_MS, days }, now);
    expect(perDay).toBeCloseTo((500 + 6 * 1_000 + 1_000) / 7, 6);
  });

  it('measures a company younger than a week since its first recording', () => {
    const since = now - DAY_MS / 4;
    expect(inflowPerDay({ since, days: { '2026-11-26': 10_000 } }, now)).toBeCloseTo(40_000, 6);
    expect(inflowPerDay({ since: null, days: {} }, now)).toBe(0);
  });
});

describe('capacity advice', () => {
  const heavy = { heavyLimit: 10, windowMs: 60_000 };
  const backlog = { now, unarchived: [] as number[], unlisted: null };

  it('says one user fetches 14,400 recordings a day at the Heavy default', () => {
    expect(perUserPerDay(heavy)).toBe(14_400);
  });

  it('asks the guide company for 3 users, or a Heavy limit of 28 for the one it has', () => {
    const one = assessCapacity(backlog, 40_000, { ...heavy, users: 1 });
    expect(one).toMatchObject({
      capacityPerDay: 14_400,
      keepsUp: false,
      usersNeeded: 3,
      heavyLimitNeeded: 28,
    });
    expect(one.projectedLoss).toBeGreaterThan(0);
    const three = assessCapacity(backlog, 40_000, { ...heavy, users: 3 });
    expect(three).toMatchObject({ capacityPerDay: 43_200, keepsUp: true, projectedLoss: 0, usersNeeded: 3 });
  });

  it('asks for more users when a backlog must be cleared before RingCentral deletes it', () => {
    // 30,000 recordings 89.5 to 90 days old: saving them takes 60,000 fetches a day for half a day.
    const waiting = Array.from({ length: 30_000 }, (_, i) => now - 90 * DAY_MS + ((i + 1) * DAY_MS) / 60_000);
    const three = assessCapacity({ ...backlog, unarchived: waiting }, 40_000, { ...heavy, users: 3 });
    expect(three.keepsUp).toBe(false);
    expect(three.lossByRule.retention).toBeGreaterThan(0);
    expect(three.usersNeeded).toBe(5);
  });

  it('counts recordings already past the cap as lost whatever the budget, and advises on the rest', () => {
    // 120,000 waiting, the newest 100,000 still held: 20,000 are gone already.
    const waiting = Array.from({ length: 120_000 }, (_, i) => now - 3 * DAY_MS + i * (DAY_MS / 40_000));
    const advice = assessCapacity({ ...backlog, unarchived: waiting }, 40_000, { ...heavy, users: 3 });
    expect(advice.lossByRule.cap).toBe(20_000);
    expect(advice.firstLossAt).toBeLessThan(now);
    expect(advice.usersNeeded).toBe(3);
  });
});
