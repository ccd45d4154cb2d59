import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/store/types.ts';
import { capacityPanel } from '../../../src/web/view-models/capacity.ts';

const run = (capacity: object | null, trigger = 'schedule'): Run => ({
  id: 'r1',
  tenantId: 't',
  trigger,
  status: 'succeeded',
  startedAt: new Date(0),
  finishedAt: new Date(1_000),
  stats: capacity ? { capacity: capacity as never } : {},
  errors: [],
  timeBoxed: false,
});

const guide = {
  inflowPerDay: 40_000,
  capacityPerDay: 14_400,
  users: 1,
  heavyLimit: 10,
  windowSeconds: 60,
  atRisk: 52_000,
  projectedLoss: 179_200,
  firstLossAt: Date.parse('2026-12-06T12:00:00Z'),
  keepsUp: false,
  usersNeeded: 3,
  heavyLimitNeeded: 28,
};

describe('the dashboard capacity panel', () => {
  it('shows the guide company falling behind, and both ways out', () => {
    const panel = capacityPanel([run(guide)])!;
    expect(panel).toMatchObject({ inflowPerDay: 40_000, capacityPerDay: 14_400, backlog: 52_000 });
    expect(panel.coverage).toBeCloseTo(0.36, 2);
    expect(panel.firstLossAt?.toISOString()).toBe('2026-12-06T12:00:00.000Z');
    expect(panel.advice).toBe(
      "To lose nothing: add 2 more RingCentral users on the settings page (3 in all), or ask RingCentral to raise the app's Heavy limit to 28 requests per 60 s.",
    );
  });

  it('says so when the users keep up, and skips verification runs and runs without figures', () => {
    const enough = { ...guide, users: 3, capacityPerDay: 43_200, projectedLoss: 0, keepsUp: true };
    const panel = capacityPanel([run(null, 'verify'), run(null), run(enough)])!;
    expect(panel.coverage).toBe(1);
    expect(panel.advice).toBe('The connected users keep up: nothing is expected to be lost.');
    expect(capacityPanel([run(null)])).toBeNull();
  });
});
