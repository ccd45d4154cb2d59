import { describe, expect, it } from 'vitest';
import { planMailboxPolling } from '../../../src/archive/sources/mailbox-plan.ts';
import type { Extension } from '../../../src/archive/sources/records.ts';

const extension = (id: number, hasMailbox = true): Extension => ({
  id: String(id),
  type: hasMailbox ? 'User' : 'IvrMenu',
  hasMailbox,
});

/** 2,000 mailboxes (ids 1001…3000, unsorted) plus 100 IVR menus without one. */
const account = [
  ...Array.from({ length: 2_000 }, (_, i) => extension(3_000 - i)),
  ...Array.from({ length: 100 }, (_, i) => extension(5_000 + i, false)),
];

// RingCentral's default Light limit and a 45-minute run of 60-second windows.
const budget = { lightLimit: 50, windowsPerRun: 45 };

describe('planMailboxPolling', () => {
  it('polls as many mailboxes directly as 80 % of the Light budget allows and exports the rest', () => {
    const plan = planMailboxPolling(account, { ...budget, cursor: null });
    expect(plan.capacity).toBe(1_800);
    expect(plan.direct).toHaveLength(1_800);
    expect(plan.viaExport).toHaveLength(200);
    expect(plan.direct.concat(plan.viaExport).every((e) => e.hasMailbox)).toBe(true);
    expect(plan.direct[0]!.id).toBe('1001');
    expect(plan.nextCursor).toBe('2800');
    // Inside the budget: one Light call per direct poll, 20 % left for everything else.
    expect(plan.direct.length).toBeLessThanOrEqual(50 * 45 * 0.8);
  });

  it('continues after the cursor and wraps around, so two runs read every mailbox directly', () => {
    const first = planMailboxPolling(account, { ...budget, cursor: null });
    const second = planMailboxPolling(account, { ...budget, cursor: first.nextCursor });
    expect(second.direct[0]!.id).toBe('2801');
    expect(second.direct.at(-1)!.id).toBe('2600');
    const readDirectly = new Set([...first.direct, ...second.direct].map((e) => e.id));
    expect(readDirectly.size).toBe(2_000);
    // Every run covers every mailbox one way or the other.
    expect(new Set([...second.direct, ...second.viaExport].map((e) => e.id)).size).toBe(2_000);
  });

  it('starts after a cursor whose extension has been removed', () => {
    const plan = planMailboxPolling(account, { ...budget, windowsPerRun: 1, cursor: '999' });
    expect(plan.direct[0]!.id).toBe('1001');
    const later = planMailboxPolling(
      account.filter((e) => e.id !== '1040'),
      { ...budget, windowsPerRun: 1, cursor: '1040' },
    );
    expect(later.direct[0]!.id).toBe('1041');
  });

  it('polls everything directly when it fits, with no rotation to remember', () => {
    const small = account.slice(0, 300);
    const plan = planMailboxPolling(small, { ...budget, cursor: '2900' });
    expect(plan).toMatchObject({ viaExport: [], nextCursor: null });
    expect(plan.direct).toHaveLength(300);
  });

  it('sends everything to the export when no direct poll fits, keeping the cursor', () => {
    const plan = planMailboxPolling(account, {
      lightLimit: 50,
      windowsPerRun: 1,
      callsPerMailbox: 100,
      cursor: '1500',
    });
    expect(plan).toMatchObject({ capacity: 0, direct: [], nextCursor: '1500' });
    expect(plan.viaExport).toHaveLength(2_000);
  });

  it('counts list pages when a direct poll costs more than one call', () => {
    const plan = planMailboxPolling(account, {
      ...budget,
      callsPerMailbox: 2,
      reserveShare: 0.1,
      cursor: null,
    });
    expect(plan.capacity).toBe(Math.floor((50 * 45 * 0.9) / 2));
  });
});
