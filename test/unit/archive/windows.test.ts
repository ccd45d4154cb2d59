import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, findHistoryStart, type RecordProbe } from '../../../src/archive/windows.ts';

const YEAR = 366 * DAY_MS;
const WEEK = 7 * DAY_MS;

/** A source holding records at `times`, answering one record per probe, newest or oldest first. */
function source(times: number[], order: 'newest' | 'oldest') {
  let probes = 0;
  const probe: RecordProbe = (from, to) => {
    probes += 1;
    const inside = times.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
    return Promise.resolve((order === 'newest' ? inside.at(-1) : inside[0]) ?? null);
  };
  return { probe, probes: () => probes };
}

describe('finding where history begins', () => {
  it('needs one probe for a year with nothing in it', async () => {
    const s = source([], 'newest');
    expect(await findHistoryStart(s.probe, 0, YEAR, WEEK)).toBe(YEAR);
    expect(s.probes()).toBe(1);
  });

  it.each(['newest', 'oldest'] as const)(
    'lands within a window of the oldest record in a few probes, listed %s first',
    async (order) => {
      const oldest = YEAR - 3 * DAY_MS;
      const s = source([oldest, oldest + DAY_MS, YEAR - 60_000], order);
      const start = await findHistoryStart(s.probe, 0, YEAR, WEEK);
      expect(start).toBeLessThanOrEqual(oldest);
      expect(oldest - start).toBeLessThanOrEqual(WEEK);
      expect(s.probes()).toBeLessThanOrEqual(8);
    },
  );

  it('never starts after a record, whatever the records and the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: YEAR }), { maxLength: 30 }),
        fc.constantFrom('newest' as const, 'oldest' as const),
        fc.integer({ min: 1, max: 31 }),
        async (times, order, windowDays) => {
          const s = source(times, order);
          const start = await findHistoryStart(s.probe, 0, YEAR, windowDays * DAY_MS);
          if (times.length === 0) {
            expect(start).toBe(YEAR);
            return;
          }
          const oldest = Math.min(...times);
          expect(start).toBeLessThanOrEqual(oldest);
          expect(oldest - start).toBeLessThanOrEqual(windowDays * DAY_MS);
          expect(s.probes()).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(YEAR / (windowDays * DAY_MS))));
        },
      ),
    );
  });
});
