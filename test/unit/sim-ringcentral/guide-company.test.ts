/**
 * The company of RingCentral's archiving guide (4,000 users × 10 recorded calls a day) as a live
 * account: generated a day at a time as the clock reaches it, exactly 40,000 recordings a day,
 * calls appearing as they end, RingCentral's 100,000 cap and 90-day rule dropping the oldest as
 * the clock moves, and compressed days for the benchmark.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/sandbox/ringcentral/account.ts';
import { guideCompany } from '../../../src/sandbox/ringcentral/index.ts';
import { SimState } from '../../../src/sandbox/ringcentral/state.ts';

const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-26T00:00:00Z');
/** Longer than any generated call (600 s): every call that started before now - this has ended. */
const LONGEST_CALL_MS = 601_000;

function liveState() {
  let now = START;
  const state = new SimState({ clients: [], now: () => now });
  return { state, advance: (ms: number) => (now += ms), now: () => now };
}

/** Recorded calls that started in [from, to), as the account lists them at `now`. */
function recordedIn(account: Account, now: number, from: number, to: number): number {
  return account.calls(now).filter((c) => c.recording && c.startTime >= from && c.startTime < to).length;
}

describe('the guide company', () => {
  it('has 4,000 enabled users making 40,000 recorded calls a day, each appearing as it ends', () => {
    const { state, advance, now } = liveState();
    const account = state.createAccount(guideCompany({ seed: 1, days: 1 }));
    expect(account.extensions).toHaveLength(4_000);
    expect(account.extensions.every((e) => e.type === 'User' && e.status === 'Enabled')).toBe(true);
    // Calls that have not ended are not listed yet.
    for (const call of account.calls(now()))
      expect(call.endsAt ?? call.startTime + call.duration * 1000).toBeLessThanOrEqual(now());
    advance(DAY_MS / 2);
    const noon = recordedIn(account, now(), START, START + DAY_MS);
    expect(noon).toBeGreaterThan(19_000);
    expect(noon).toBeLessThan(21_000);
    advance(DAY_MS / 2 + LONGEST_CALL_MS);
    expect(recordedIn(account, now(), START - DAY_MS, START)).toBe(40_000);
    expect(recordedIn(account, now(), START, START + DAY_MS)).toBe(40_000);
    // Each user made exactly ten recorded calls that day.
    const perUser = new Map<number, number>();
    for (const c of account.calls(now())) {
      if (c.startTime >= START && c.startTime < START + DAY_MS)
        perUser.set(c.extensionId, (perUser.get(c.extensionId) ?? 0) + 1);
    }
    expect(new Set(perUser.values())).toEqual(new Set([10]));
    expect(account.droppedRecordings(now())).toEqual([]);
  });

  it('drops the oldest recordings past the 100,000 cap as the clock moves, keeping the newest', () => {
    const { state, advance, now } = liveState();
    const account = state.createAccount(guideCompany({ seed: 2, days: 2 }));
    expect(account.recordingsHeld(now())).toBeLessThan(100_000);
    advance(DAY_MS);
    const ended = account.calls(now()).filter((c) => c.recording).length;
    expect(ended).toBeGreaterThan(119_000);
    expect(account.recordingsHeld(now())).toBe(100_000);
    const dropped = account.droppedRecordings(now());
    expect(dropped).toHaveLength(ended - 100_000);
    expect(dropped.every((d) => d.rule === 'cap')).toBe(true);
    // The dropped ones are exactly the oldest: none is newer than a recording still served.
    const kept = account.calls(now()).filter((c) => c.recording && account.recordingVisible(c, now()));
    const newestDropped = Math.max(...dropped.map((d) => d.startTime));
    expect(Math.min(...kept.map((c) => c.startTime))).toBeGreaterThanOrEqual(newestDropped);
    expect(account.recording(dropped[0]!.id, now())).toBeUndefined();
  });

  it('drops recordings at 90 days under the retention rule', () => {
    const { state, advance, now } = liveState();
    const account = state.createAccount(
      guideCompany({ seed: 3, days: 1, scale: 0.01 }), // 40 users, 400 a day, cap 1,000
    );
    advance(90 * DAY_MS + LONGEST_CALL_MS);
    const dropped = account.droppedRecordings(now());
    // The history day is past 90 days; of the 90 live days, the cap keeps the newest 1,000.
    expect(dropped.filter((d) => d.rule === 'retention' && d.startTime < START)).toHaveLength(400);
    expect(dropped.filter((d) => d.rule === 'cap').length).toBeGreaterThan(34_000);
    expect(account.recordingsHeld(now())).toBe(1_000);
  });

  it('compresses time: a 2-minute day holds the same calls, each ending inside its share of the day', () => {
    const { state, advance, now } = liveState();
    const dayMs = 120_000;
    const account = state.createAccount(guideCompany({ seed: 4, days: 1, scale: 0.05, dayMs }));
    advance(dayMs + 1_000);
    expect(recordedIn(account, now(), START - dayMs, START)).toBe(2_000);
    for (const call of account.calls(now())) {
      expect(call.duration).toBeGreaterThanOrEqual(30);
      expect(call.endsAt! - call.startTime).toBeLessThanOrEqual(
        Math.ceil((call.duration * 1000 * dayMs) / DAY_MS),
      );
      expect(call.recording!.availableAt).toBe(call.endsAt);
    }
  });

  it('is the same company from the same seed', () => {
    const a = liveState();
    const b = liveState();
    const one = a.state.createAccount(guideCompany({ seed: 9, days: 1, scale: 0.01 }));
    const two = b.state.createAccount(guideCompany({ seed: 9, days: 1, scale: 0.01 }));
    a.advance(DAY_MS);
    b.advance(DAY_MS);
    expect(JSON.stringify(one.calls(a.now()))).toBe(JSON.stringify(two.calls(b.now())));
  });
});
