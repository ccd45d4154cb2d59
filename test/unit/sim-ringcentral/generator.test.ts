/**
 * The seeded generator: deterministic, ids unique and of RingCentral's types, the documented
 * extension mix, history inside its window, and cheap enough for 1,000 small accounts or one
 * account with 2,000 extensions.
 */
import { describe, expect, it } from 'vitest';
import { Account } from '../../../src/sandbox/ringcentral/account.ts';
import { accountBase } from '../../../src/sandbox/ringcentral/ids.ts';
import { SimState } from '../../../src/sandbox/ringcentral/state.ts';
import { defaultExtensionType } from '../../../src/sandbox/ringcentral/seed/generator.ts';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-26T12:00:00Z');

function snapshot(account: Account): string {
  return JSON.stringify({
    ext: account.extensions,
    calls: account.calls(NOW),
    messages: account.allMessages(NOW),
  });
}

describe('seeded generator', () => {
  it('makes the same account from the same seed, and a different one from another seed', () => {
    const spec = { seed: 5, extensions: 12, days: 3 };
    const a = new Account(1, accountBase(1), spec, NOW);
    const b = new Account(1, accountBase(1), spec, NOW);
    const c = new Account(1, accountBase(1), { ...spec, seed: 6 }, NOW);
    expect(snapshot(a)).toBe(snapshot(b));
    expect(snapshot(a)).not.toBe(snapshot(c));
  });

  it('follows the documented extension mix, with 101 an admin User', () => {
    const account = new Account(
      1,
      accountBase(1),
      { seed: 1, extensions: 20, days: 0, nonAdminShare: 1 },
      NOW,
    );
    expect(account.extensions[0]).toMatchObject({ extensionNumber: '101', type: 'User', admin: true });
    expect(account.extensions.map((e) => e.type)).toEqual(
      account.extensions.map((_, i) => defaultExtensionType(i)),
    );
    expect(new Set(account.extensions.map((e) => e.type))).toEqual(
      new Set(['User', 'Department', 'FaxUser', 'IvrMenu', 'Voicemail', 'ParkLocation']),
    );
    expect(account.extensions.filter((e) => e.admin)).toHaveLength(1);
  });

  it('keeps history inside its window, ids unique across accounts and of the right types', () => {
    const state = new SimState({ clients: [], now: () => NOW });
    const one = state.createAccount({ seed: 1, extensions: 10, days: 4, extraRecordings: [5_000_000] });
    const two = state.createAccount({ seed: 1, extensions: 10, days: 4 });
    const callIds = new Set<string>();
    const numericIds = new Set<number>();
    for (const account of [one, two]) {
      for (const call of account.calls(NOW)) {
        expect(call.startTime).toBeGreaterThanOrEqual(NOW - 4 * DAY_MS - 3_600_000);
        expect(call.startTime + call.duration * 1000).toBeLessThanOrEqual(NOW);
        expect(callIds.has(call.id)).toBe(false);
        callIds.add(call.id);
      }
      for (const m of account.allMessages(NOW)) {
        expect(Number.isSafeInteger(m.id)).toBe(true);
        for (const id of [m.id, ...m.attachments.slice(1).map((a) => a.id)]) {
          expect(numericIds.has(id)).toBe(false);
          numericIds.add(id);
        }
        if (m.conversationId !== undefined) expect(Number.isSafeInteger(m.conversationId)).toBe(true);
      }
      for (const e of account.extensions) expect(Number.isSafeInteger(e.id)).toBe(true);
    }
    expect(one.calls(NOW).some((c) => c.recording?.size === 5_000_000)).toBe(true);
    const fax = one.allMessages(NOW).find((m) => m.type === 'Fax')!;
    const call = one.calls(NOW).find((c) => c.message?.id === fax.id)!;
    expect(call).toMatchObject({ type: 'Fax', message: { type: 'Fax' } });
    const vm = one
      .allMessages(NOW)
      .find((m) => m.type === 'VoiceMail' && m.vmTranscriptionStatus === 'Completed')!;
    expect(vm.attachments.map((a) => a.type)).toEqual(['AudioRecording', 'AudioTranscription']);
  });

  it('creates 1,000 small accounts and one of 2,000 extensions in seconds and a few hundred MB', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const state = new SimState({ clients: [] });
    let records = 0;
    for (let i = 0; i < 1000; i++) {
      const account = state.createAccount({ seed: i, extensions: 5, days: 3 });
      records += account.calls(state.now()).length + account.allMessages(state.now()).length;
    }
    const smallSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const big = state.createAccount({ seed: 1, extensions: 2000, days: 1 });
    const bigRecords = big.calls(state.now()).length + big.allMessages(state.now()).length;
    const bigSeconds = (performance.now() - t1) / 1000;
    gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    console.log(
      `1,000 accounts × 5 extensions × 3 days: ${records} records in ${smallSeconds.toFixed(2)} s; ` +
        `2,000 extensions × 1 day: ${bigRecords} records in ${bigSeconds.toFixed(2)} s; heap +${heapMb.toFixed(0)} MB`,
    );
    expect(records).toBeGreaterThan(100_000);
    expect(bigRecords).toBeGreaterThan(10_000);
    // Generous bounds for a busy CI runner; an idle machine does this in about two seconds.
    expect(smallSeconds).toBeLessThan(20);
    expect(bigSeconds).toBeLessThan(5);
    expect(heapMb).toBeLessThan(300);
  });
});
