import { expect } from 'vitest';
import type { Store } from '../../../src/store/types.ts';

/**
 * Cursor rows as a version before the tenant state wrote them (state mixed among stream positions),
 * and what an upgraded store must hold afterwards. Both adapters' upgrade tests use them.
 */
export const UPDATED_AT = new Date('2026-01-02T00:00:00.000Z');

export const LEGACY_CURSORS: Array<{ tenantId: string; stream: string; position: object; version: number }> =
  [
    {
      tenantId: 't1',
      stream: 'calllog',
      position: { until: '2026-01-02T00:00:00.000Z', windowMs: 3_600_000 },
      version: 3,
    },
    {
      tenantId: 't1',
      stream: 'messages:access',
      position: { mode: 'direct', checkedAt: '2026-01-01T00:00:00.000Z' },
      version: 7,
    },
    { tenantId: 't1', stream: 'messages:rotation', position: { last: '102' }, version: 3 },
    { tenantId: 't1', stream: 'reports:owed', position: { days: ['2026-01-01'] }, version: 3 },
    { tenantId: 't1', stream: 'notifications', position: { open: {} }, version: 3 },
    {
      tenantId: 't1',
      stream: 'capacity:inflow',
      position: { since: 1, days: { '2026-01-01': 4 } },
      version: 2,
    },
    {
      tenantId: 't1',
      stream: 'mailbox:101',
      position: { until: '2026-01-02T00:00:00.000Z', status: 'ok', errorCode: null },
      version: 3,
    },
    {
      tenantId: 't1',
      stream: 'mailbox:102',
      position: {
        until: '2026-01-01T00:00:00.000Z',
        status: 'refused',
        errorCode: 'CMN-408',
        error: 'needs [ReadMessages]',
        checkedAt: '2026-01-02T03:04:05.000Z',
      },
      version: 3,
    },
    {
      tenantId: 't1',
      stream: 'mailbox:103',
      position: { status: 'unreadable', errorCode: 'CMN-403', error: 'no' },
      version: 3,
    },
    {
      tenantId: 't2',
      stream: 'mailbox:201',
      position: { until: '2026-01-02T00:00:00.000Z', status: 'via-export' },
      version: 3,
    },
  ];

export async function expectUpgraded(store: Store): Promise<void> {
  expect((await store.listState('t1')).map((r) => [r.key, r.version])).toEqual([
    ['alerts', 3],
    ['capacity-inflow', 2],
    ['mailbox-access', 7],
    ['mailbox-problems', 1],
    ['mailbox-rotation', 3],
    ['report-days', 3],
  ]);
  expect((await store.getState('t1', 'mailbox-access'))?.value).toEqual({
    mode: 'direct',
    checkedAt: '2026-01-01T00:00:00.000Z',
  });
  expect((await store.getState('t1', 'report-days'))?.value).toEqual({ days: ['2026-01-01'] });
  // How each mailbox was last read: the problems among those, apart from the positions.
  const problems = (await store.getState('t1', 'mailbox-problems'))?.value as {
    mailboxes: Record<string, Record<string, string>>;
  };
  expect(problems.mailboxes).toEqual({
    '102': {
      status: 'refused',
      errorCode: 'CMN-408',
      error: 'needs [ReadMessages]',
      at: '2026-01-02T03:04:05.000Z',
    },
    '103': {
      status: 'unreadable',
      errorCode: 'CMN-403',
      error: 'no',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    },
  });
  expect(await store.getState('t2', 'mailbox-problems')).toBeNull();
  expect((await store.listCursors('t1')).map((c) => [c.stream, c.position])).toEqual([
    ['calllog', { until: '2026-01-02T00:00:00.000Z', windowMs: 3_600_000 }],
    ['mailbox:101', { until: '2026-01-02T00:00:00.000Z' }],
    ['mailbox:102', { until: '2026-01-01T00:00:00.000Z' }],
    ['mailbox:103', {}],
  ]);
  expect((await store.listCursors('t2')).map((c) => c.position)).toEqual([
    { until: '2026-01-02T00:00:00.000Z' },
  ]);
}
