/**
 * Property tests of the risk model: the projected loss is 0 exactly when the archive's capacity
 * covers what RingCentral will delete over the horizon — under the 90-day rule, under the
 * 100,000 cap, and under both — checked against the classic covering condition: for every span
 * [r, T], the recordings that can be fetched from r on and are deleted by T fit into it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessCapacity } from '../../../src/archive/capacity.ts';
import { assessRisk, type RiskInput } from '../../../src/archive/risk.ts';
import { DAY_MS } from '../../../src/archive/windows.ts';

const now = Date.parse('2026-11-26T12:00:00Z');
const EPSILON_MS = 1e-3;

/**
 * The recordings ahead and their deadlines, straight from RingCentral's two rules: deleted 90 days
 * (`retentionMs`) after the call, or once `cap` newer recordings exist — a waiting recording has
 * its unarchived successors newer than it, and each new one adds one; new ones arrive evenly.
 */
function deadlines(
  input: Required<Omit<RiskInput, 'unlisted'>>,
): Array<{ release: number; deadline: number }> {
  const perDay = input.inflowPerDay;
  const backlog = [...input.unarchived].sort((a, b) => a - b);
  const byCap = (newer: number, at: number) =>
    newer >= input.cap ? at - 1 : perDay > 0 ? at + ((input.cap - newer) * DAY_MS) / perDay : Infinity;
  const items = backlog.map((start, i) => ({
    release: now,
    deadline: Math.min(start + input.retentionMs, byCap(backlog.length - 1 - i, now)),
  }));
  const arrivals = Math.floor((perDay * input.horizonMs) / DAY_MS);
  for (let k = 1; k <= arrivals; k += 1) {
    const at = now + (k * DAY_MS) / perDay;
    items.push({ release: at, deadline: Math.min(at + input.retentionMs, byCap(0, at)) });
  }
  return items;
}

/**
 * Capacity covers the deletions: for every pair of a recording i that can be fetched from r_i and a
 * later one j deleted at d_j within the horizon, the j − i + 1 fetches fit between r_i and d_j.
 */
function covered(input: Required<Omit<RiskInput, 'unlisted'>>): boolean {
  const items = deadlines(input);
  const perFetch = DAY_MS / input.capacityPerDay;
  const horizonEnd = now + input.horizonMs;
  for (let j = 0; j < items.length; j += 1) {
    if (items[j]!.deadline > horizonEnd) continue;
    for (let i = 0; i <= j; i += 1)
      if (items[i]!.release + (j - i + 1) * perFetch > items[j]!.deadline + EPSILON_MS) return false;
  }
  return true;
}

const HOUR = 3_600_000;
/** Inputs small enough for the quadratic check: up to 40 waiting, up to ~300 arriving. */
const scenario = (rules: { cap: fc.Arbitrary<number>; retentionMs: fc.Arbitrary<number> }) =>
  fc.record({
    now: fc.constant(now),
    unarchived: fc.array(
      fc.integer({ min: now - 95 * DAY_MS, max: now }).map((t) => t),
      { maxLength: 40 },
    ),
    inflowPerDay: fc.integer({ min: 0, max: 100 }),
    capacityPerDay: fc.integer({ min: 1, max: 150 }),
    cap: rules.cap,
    retentionMs: rules.retentionMs,
    horizonMs: fc.integer({ min: HOUR, max: 3 * DAY_MS }),
  });

const NEVER = 1e15; // a rule that never bites within the test's times

describe('projected loss', () => {
  for (const [name, rules] of [
    [
      'the 90-day rule',
      { cap: fc.constant(NEVER), retentionMs: fc.integer({ min: HOUR, max: 95 * DAY_MS }) },
    ],
    ['the cap', { cap: fc.integer({ min: 1, max: 120 }), retentionMs: fc.constant(NEVER) }],
    [
      'both rules',
      { cap: fc.integer({ min: 1, max: 120 }), retentionMs: fc.integer({ min: HOUR, max: 95 * DAY_MS }) },
    ],
  ] as const) {
    it(`is 0 exactly when capacity covers what RingCentral deletes over the horizon, under ${name}`, () => {
      fc.assert(
        fc.property(scenario(rules), (input) => {
          const risk = assessRisk({ ...input, unlisted: null });
          expect(risk.projectedLoss === 0).toBe(covered(input));
          expect(risk.projectedLoss === 0).toBe(risk.firstLossAt === null);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('never grows with more capacity, and never counts more than the recordings deleted in the horizon', () => {
    fc.assert(
      fc.property(
        scenario({
          cap: fc.integer({ min: 1, max: 120 }),
          retentionMs: fc.integer({ min: HOUR, max: 95 * DAY_MS }),
        }),
        fc.integer({ min: 1, max: 100 }),
        (input, more) => {
          const base = assessRisk({ ...input, unlisted: null });
          const bigger = assessRisk({
            ...input,
            unlisted: null,
            capacityPerDay: input.capacityPerDay + more,
          });
          expect(bigger.projectedLoss).toBeLessThanOrEqual(base.projectedLoss);
          const due = deadlines(input).filter((d) => d.deadline <= now + input.horizonMs).length;
          expect(base.projectedLoss).toBeLessThanOrEqual(due);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('advises the fewest users and the lowest Heavy limit that lose nothing and keep up', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: now - 3 * DAY_MS, max: now }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 100 }),
        (unarchived, inflow, users, cap) => {
          // One user fetches 24 a day (1 per hour window); windows of an hour keep numbers small.
          const budget = { heavyLimit: 1, windowMs: HOUR, users };
          const backlog = { now, unarchived, unlisted: null, cap, horizonMs: 2 * DAY_MS };
          const advice = assessCapacity(backlog, inflow, budget);
          const loss = (perDay: number) =>
            assessRisk({ ...backlog, inflowPerDay: inflow, capacityPerDay: perDay }).projectedLoss;
          // Recordings past the cap already are lost whatever the budget: the advice is about the rest.
          const gone = deadlines({
            ...backlog,
            inflowPerDay: inflow,
            capacityPerDay: 1,
            retentionMs: 90 * DAY_MS,
          }).filter((d) => d.deadline < d.release).length;
          const ok = (perDay: number) => perDay >= inflow && loss(perDay) === gone;
          expect(advice.keepsUp).toBe(ok(24 * users));
          if (advice.usersNeeded !== null) {
            expect(ok(24 * advice.usersNeeded)).toBe(true);
            if (advice.usersNeeded > 1) expect(ok(24 * (advice.usersNeeded - 1))).toBe(false);
          }
          if (advice.heavyLimitNeeded !== null) {
            expect(ok(24 * users * advice.heavyLimitNeeded)).toBe(true);
            if (advice.heavyLimitNeeded > 1)
              expect(ok(24 * users * (advice.heavyLimitNeeded - 1))).toBe(false);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
