import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/store/types.ts';
import { archivedPerDay, chartsView, compact, niceMax } from '../../../src/web/view-models/charts.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const run = (startedAt: string, stats: Run['stats']): Run => ({
  id: startedAt,
  tenantId: 't',
  trigger: 'schedule',
  status: 'succeeded',
  startedAt: new Date(startedAt),
  finishedAt: new Date(Date.parse(startedAt) + 60_000),
  stats,
  errors: [],
  timeBoxed: false,
});

describe('dashboard charts', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 180, 2001].map(niceMax)).toEqual([1, 1, 5, 10, 20, 200, 5000]);
  });

  it('labels the axis briefly', () => {
    expect([0, 500, 2500, 25_000, 2_000_000, 1_500_000].map(compact)).toEqual([
      '0',
      '500',
      '2,500',
      '25k',
      '2M',
      '1.5M',
    ]);
  });

  it('sums items per UTC day and kind over 30 days, ignoring older runs', () => {
    const days = archivedPerDay(
      [
        run('2026-12-04T01:00:00Z', {
          kinds: { call: { items: 3, bytes: 1 }, recording: { items: 2, bytes: 9 } },
        }),
        run('2026-12-04T02:00:00Z', { kinds: { call: { items: 4, bytes: 1 } } }),
        run('2026-11-20T02:00:00Z', { kinds: { sms: { items: 1, bytes: 1 } } }),
        run('2026-10-01T02:00:00Z', { kinds: { call: { items: 100, bytes: 1 } } }),
      ],
      NOW,
    );
    expect(days.size).toBe(30);
    expect(days.get('2026-12-04')).toEqual({ call: 7, recording: 2 });
    expect(days.get('2026-11-20')).toEqual({ sms: 1 });
    expect([...days.keys()][0]).toBe('2026-11-05');
  });

  it('stacks bars to scale and draws the backlog and capacity lines', () => {
    const view = chartsView(
      [
        run('2026-12-03T01:00:00Z', {
          kinds: { call: { items: 10, bytes: 1 } },
          capacity: { atRisk: 500, capacityPerDay: 100 },
        }),
        run('2026-12-04T01:00:00Z', {
          kinds: { call: { items: 6, bytes: 1 }, recording: { items: 4, bytes: 1 } },
          capacity: { atRisk: 400, capacityPerDay: 100 },
        }),
      ],
      NOW,
    );
    const [c3, c4, r4] = view.perDay.bars;
    expect(view.perDay.bars).toHaveLength(3);
    expect(c3!.height).toBeCloseTo(view.plot.height); // 10 of an axis topped at 10
    expect(c4!.height + r4!.height).toBeCloseTo(view.plot.height);
    expect(r4!.y + r4!.height).toBeCloseTo(c4!.y); // stacked on the calls
    expect(view.perDay.total).toBe(20);
    expect(view.backlog.points).toBe(2);
    expect(view.backlog.backlog.split(' ')).toHaveLength(2);
    expect(view.backlog.dots).toHaveLength(2);
    // 400 sits lower than 500 (SVG y grows downwards).
    expect(view.backlog.dots[1]!.backlog).toBeGreaterThan(view.backlog.dots[0]!.backlog);
    expect(view.backlog.last).toEqual({ backlog: 400, capacityPerDay: 100 });
  });
});
