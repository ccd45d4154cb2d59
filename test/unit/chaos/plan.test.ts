import { describe, expect, it } from 'vitest';
import { FAULT_CLASSES, planFor } from '../../chaos/seeded/plan.ts';
import { mulberry32 } from '../../chaos/seeded/prng.ts';

describe('seeded chaos plans', () => {
  it('mulberry32 gives the same stream for the same seed, another for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(mulberry32(43).next()).not.toBe(first[0]);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('one seed is one plan: the same day and the same schedule every time', () => {
    expect(planFor(7)).toEqual(planFor(7));
    expect(planFor(7)).not.toEqual(planFor(8));
  });

  it('draws every fault class in every seed, inside the schedule, in time order', () => {
    for (const seed of [1, 2, 3, 99, 12345]) {
      const plan = planFor(seed);
      expect(new Set(plan.faults.map((f) => f.fault))).toEqual(new Set(FAULT_CLASSES));
      for (const f of plan.faults) expect(f.at + f.durationMs).toBeLessThanOrEqual(plan.chaosMs);
      expect(plan.faults.map((f) => f.at)).toEqual([...plan.faults.map((f) => f.at)].sort((x, y) => x - y));
      expect(plan.activity.length).toBeGreaterThan(0);
    }
  });
});
