import { describe, expect, it } from 'vitest';
import type { OpenAlerts } from '../../../src/notifications/alerts.ts';
import { assessTenant, type RunFacts, type TenantFacts } from '../../../src/notifications/rules.ts';
import type { JsonObject, RunStatus } from '../../../src/store/types.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

const run = (status: RunStatus, stats: JsonObject = {}, trigger = 'schedule'): RunFacts => ({
  trigger,
  status,
  stats,
});
const facts = (over: Partial<TenantFacts> = {}): TenantFacts => ({
  status: 'active',
  lostProvider: null,
  runs: [],
  open: {},
  ...over,
});
const openReconnect: OpenAlerts = {
  reconnect: {
    openedAt: 0,
    lastSentAt: 0,
    notified: true,
    details: { kind: 'reconnect', provider: 'dropbox' },
  },
};

describe('reconnect needed', () => {
  it('is on when an authorization was just lost and the tenant waits for a reconnect', () => {
    const a = assessTenant(facts({ status: 'needs_reconnect', lostProvider: 'ringcentral' }));
    expect(a.reconnect).toEqual({
      state: 'active',
      details: { kind: 'reconnect', provider: 'ringcentral' },
    });
  });

  it('stays on (same provider) while the tenant still waits, without a new event', () => {
    const a = assessTenant(facts({ status: 'needs_reconnect', open: openReconnect }));
    expect(a.reconnect).toMatchObject({ state: 'active', details: { provider: 'dropbox' } });
  });

  it('is no alert for a tenant that is simply not set up yet', () => {
    expect(assessTenant(facts({ status: 'needs_reconnect' })).reconnect.state).toBe('unknown');
  });

  it('recovers when the tenant is active again, and says nothing while paused', () => {
    expect(assessTenant(facts({ open: openReconnect })).reconnect.state).toBe('clear');
    expect(assessTenant(facts({ status: 'paused', open: openReconnect })).reconnect.state).toBe('unknown');
  });

  it('holds every other alert while it is on: nothing runs, so old figures say nothing new', () => {
    const failing = [run('failed'), run('failed'), run('failed')];
    const a = assessTenant(facts({ status: 'needs_reconnect', lostProvider: 'dropbox', runs: failing }));
    expect([a.failing.state, a.storage.state, a.risk.state]).toEqual(['unknown', 'unknown', 'unknown']);
  });
});

describe('runs failing repeatedly', () => {
  it('needs three failed runs in a row', () => {
    expect(assessTenant(facts({ runs: [run('failed'), run('failed')] })).failing.state).toBe('unknown');
    const a = assessTenant(
      facts({ runs: [run('failed', { problem: 'Dropbox said no' }), run('failed'), run('failed')] }),
    );
    expect(a.failing).toEqual({
      state: 'active',
      details: { kind: 'failing', failedRuns: 3, problem: 'Dropbox said no' },
    });
  });

  it('is broken by a run that worked, and ignores interrupted, running and verify runs', () => {
    const broken = [run('failed'), run('failed'), run('succeeded'), run('failed')];
    expect(assessTenant(facts({ runs: broken })).failing.state).toBe('unknown');
    const noisy = [
      run('running'),
      run('failed'),
      run('interrupted'),
      run('succeeded', {}, 'verify'),
      run('failed'),
      run('failed'),
    ];
    expect(assessTenant(facts({ runs: noisy })).failing).toMatchObject({
      state: 'active',
      details: { failedRuns: 3 },
    });
  });

  it('clears on a succeeded or partial run', () => {
    expect(assessTenant(facts({ runs: [run('succeeded'), run('failed')] })).failing.state).toBe('clear');
    expect(assessTenant(facts({ runs: [run('partial')] })).failing.state).toBe('clear');
  });

  it('keeps credential-looking URL parameters out of the reported problem', () => {
    const problem = 'GET https://x.example/a?access_token=abc123&x=1 failed';
    const a = assessTenant(facts({ runs: [run('failed', { problem }), run('failed'), run('failed')] }));
    expect(JSON.stringify(a.failing)).not.toContain('abc123');
  });
});

describe('Dropbox nearly full', () => {
  const space = (used: number, allocated: number) => [run('succeeded', { space: { used, allocated } })];

  it('uses 500 MB as the floor on small accounts', () => {
    expect(assessTenant(facts({ runs: space(2 * GB - 499 * MB, 2 * GB) })).storage).toMatchObject({
      state: 'active',
      details: { kind: 'storage', free: 499 * MB, thresholdBytes: 500 * MB },
    });
    expect(assessTenant(facts({ runs: space(2 * GB - 501 * MB, 2 * GB) })).storage.state).toBe('clear');
  });

  it('uses 5 % on large accounts', () => {
    const allocated = 100 * GB;
    expect(assessTenant(facts({ runs: space(allocated - 4 * GB, allocated) })).storage.state).toBe('active');
    expect(assessTenant(facts({ runs: space(allocated - 6 * GB, allocated) })).storage.state).toBe('clear');
  });

  it('counts a full (or overfull) account as zero free', () => {
    expect(assessTenant(facts({ runs: space(3 * GB, 2 * GB) })).storage).toMatchObject({
      details: { free: 0 },
    });
  });

  it('has no opinion without a space figure (unlimited team space, a run that stopped first)', () => {
    expect(assessTenant(facts({ runs: [run('failed')] })).storage.state).toBe('unknown');
    const unlimited = [run('succeeded', { space: { used: 5, allocated: null } })];
    expect(assessTenant(facts({ runs: unlimited })).storage.state).toBe('unknown');
  });
});

describe('recordings at risk', () => {
  const risk = (r: JsonObject, status: RunStatus = 'succeeded') => [run(status, { risk: r })];

  it('is on when recordings are projected to be lost', () => {
    const a = assessTenant(facts({ runs: risk({ atRisk: 40, oldestAgeDays: 20, projectedLoss: 3 }) }));
    expect(a.risk).toEqual({
      state: 'active',
      details: { kind: 'risk', atRisk: 40, oldestAgeDays: 20, projectedLoss: 3 },
    });
  });

  it('opens before the first loss, from the projection, carrying the advice of the capacity model', () => {
    const firstLossAt = Date.parse('2026-11-28T10:00:00Z');
    const runs = [
      run('partial', {
        risk: { atRisk: 2_000, oldestAgeDays: 0, projectedLoss: 1_500 },
        capacity: {
          firstLossAt,
          inflowPerDay: 40_000,
          capacityPerDay: 14_400,
          users: 1,
          usersNeeded: 3,
          heavyLimitNeeded: 28,
          windowSeconds: 60,
        },
      }),
    ];
    expect(assessTenant(facts({ runs })).risk).toEqual({
      state: 'active',
      details: {
        kind: 'risk',
        atRisk: 2_000,
        oldestAgeDays: 0,
        projectedLoss: 1_500,
        firstLossAt,
        inflowPerDay: 40_000,
        capacityPerDay: 14_400,
        users: 1,
        usersNeeded: 3,
        heavyLimitNeeded: 28,
        windowSeconds: 60,
      },
    });
  });

  it('is on when unarchived recordings are 60 days old, even with no projected loss', () => {
    const old = risk({ atRisk: 2, oldestAgeDays: 60, projectedLoss: 0 });
    expect(assessTenant(facts({ runs: old })).risk.state).toBe('active');
    const young = risk({ atRisk: 2, oldestAgeDays: 59, projectedLoss: 0 });
    expect(assessTenant(facts({ runs: young })).risk.state).toBe('clear');
  });

  it('is judged on runs that got through (a failed run can neither open nor clear it)', () => {
    const failed = risk({ atRisk: 0, oldestAgeDays: null, projectedLoss: 0 }, 'failed');
    expect(assessTenant(facts({ runs: failed })).risk.state).toBe('unknown');
    const partial = risk({ atRisk: 9, oldestAgeDays: 80, projectedLoss: 0 }, 'partial');
    expect(assessTenant(facts({ runs: partial })).risk.state).toBe('active');
  });
});

describe('RingCentral limiting the whole account', () => {
  const limited = (storms: number, pausedMs = storms * 60_000) =>
    run('succeeded', { accountLimit: { storms, answers: storms, pausedMs, lastStormAt: null } });

  it('is on when account-level 429 storms repeat, within a run or over the newest two', () => {
    expect(assessTenant(facts({ runs: [limited(2)] })).throttled).toEqual({
      state: 'active',
      details: { kind: 'throttled', storms: 2, runs: 1, pausedMs: 120_000 },
    });
    expect(assessTenant(facts({ runs: [limited(1), limited(1)] })).throttled).toEqual({
      state: 'active',
      details: { kind: 'throttled', storms: 2, runs: 2, pausedMs: 120_000 },
    });
  });

  it('lets one storm pass without a word, and clears after a run without one', () => {
    expect(assessTenant(facts({ runs: [limited(1), limited(0)] })).throttled.state).toBe('unknown');
    expect(assessTenant(facts({ runs: [limited(0), limited(3)] })).throttled.state).toBe('clear');
    expect(assessTenant(facts({ runs: [run('succeeded')] })).throttled.state).toBe('unknown');
  });
});

describe('Dropbox refusing uploads for the month (data transport cap)', () => {
  const capped = run('failed', { stopped: 'capped', problem: 'Dropbox refuses uploads: the team has used…' });

  it('opens at the first run that stopped for it, without waiting for repeated failures', () => {
    expect(assessTenant(facts({ runs: [capped] })).capped).toEqual({
      state: 'active',
      details: { kind: 'capped', problem: 'Dropbox refuses uploads: the team has used…' },
    });
  });

  it('clears on a run that got through, and says nothing on other failures', () => {
    expect(assessTenant(facts({ runs: [run('partial'), capped] })).capped.state).toBe('clear');
    expect(assessTenant(facts({ runs: [run('failed', { stopped: 'full' }), capped] })).capped.state).toBe(
      'unknown',
    );
  });
});

describe('a further RingCentral user set aside', () => {
  const ann = { label: 'Ann Lee (ext. 103)', reason: 'RingCentral refused the refresh.' };

  it('is on while a user is set aside, and clears once none is', () => {
    expect(assessTenant(facts({ runs: [run('succeeded')], setAsideUsers: [ann] })).users).toEqual({
      state: 'active',
      details: { kind: 'users', users: [ann] },
    });
    expect(assessTenant(facts({ runs: [run('succeeded')], setAsideUsers: [] })).users.state).toBe('clear');
    expect(assessTenant(facts({ runs: [run('succeeded')] })).users.state).toBe('unknown');
  });
});
