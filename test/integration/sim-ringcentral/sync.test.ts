/**
 * The sync APIs: message-sync (FSync, ISync with the ~5 s overlap, deletions, forced full sync),
 * call-log-sync (FSync, ISync with late recordings as changes, the 250-record limit) and
 * call-log-extract-sync (paging through changes with newerRecordsExist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory, RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  apiError,
  DAY_MS,
  getJson,
  signIn,
  startSim,
  type CallJson,
  type MessageJson,
  type Platform,
  type SyncJson,
} from './helpers.ts';

let sim: RcSim;
let platform: Platform;
let inventory: Inventory;
let adminId: string;

beforeAll(async () => {
  sim = await startSim({
    accounts: [{ seed: 31, extensions: 8, days: 5, messagesPerExtensionPerDay: 4 }],
    limits: { Light: 10_000, Medium: 10_000, Heavy: 10_000 },
  });
  platform = await signIn(sim, '101');
  inventory = await sim.inventory(undefined, { sha256: false });
  adminId = inventory.extensions[0]!.id;
});

afterAll(async () => {
  await sim.close();
});

const messageSync = (query: Record<string, unknown>): Promise<SyncJson<MessageJson>> =>
  getJson<SyncJson<MessageJson>>(platform, '/restapi/v1.0/account/~/extension/~/message-sync', query);

describe('message-sync', () => {
  it('FSync returns the mailbox newest first, cut at recordCount with olderRecordsExist', async () => {
    const dateFrom = new Date(sim.now() - 6 * DAY_MS).toISOString();
    const full = await messageSync({ syncType: 'FSync', dateFrom });
    const expected = inventory.messages.filter((m) => m.extensionId === adminId).map((m) => m.id);
    expect(full.records.map((m) => String(m.id))).toEqual(expected);
    expect(full.syncInfo.syncType).toBe('FSync');
    expect(full.syncInfo.olderRecordsExist).toBe(false);
    const cut = await messageSync({ syncType: 'FSync', dateFrom, recordCount: 2 });
    expect(cut.records.map((m) => String(m.id))).toEqual(expected.slice(0, 2));
    expect(cut.syncInfo.olderRecordsExist).toBe(true);
    // The default window is 24 hours.
    const day = await messageSync({ syncType: 'FSync' });
    for (const m of day.records)
      expect(Date.parse(m.creationTime)).toBeGreaterThanOrEqual(sim.now() - DAY_MS - 1000);
  });

  it('ISync returns new and changed messages, with a ~5 s overlap, and deletions', async () => {
    const start = await messageSync({
      syncType: 'FSync',
      dateFrom: new Date(sim.now() - 6 * DAY_MS).toISOString(),
    });
    const victim = start.records[0]!;
    sim.advanceClock(60_000);
    const { messages } = sim.addActivity({ sms: 1, mms: 1, voicemails: 1 });
    sim.deleteItem({ kind: 'message', id: victim.id });

    const first = await messageSync({ syncType: 'ISync', syncToken: start.syncInfo.syncToken });
    expect(first.syncInfo.syncType).toBe('ISync');
    const ids = first.records.map((m) => String(m.id));
    for (const m of messages) expect(ids).toContain(m.id);
    const purged = first.records.find((m) => m.id === victim.id)!;
    expect(purged.availability).toBe('Purged');

    sim.advanceClock(6_000);
    const second = await messageSync({ syncType: 'ISync', syncToken: first.syncInfo.syncToken });
    // Within RingCentral's 5 s overlap the same changes may come again.
    expect(second.records.map((m) => String(m.id))).toEqual(
      expect.arrayContaining(messages.map((m) => m.id)),
    );
    const third = await messageSync({ syncType: 'ISync', syncToken: second.syncInfo.syncToken });
    expect(third.records).toEqual([]);
  });

  it('asks for a full sync (400 MSG-333) when told to, and rejects a foreign token', async () => {
    const start = await messageSync({ syncType: 'FSync' });
    sim.setFaults({ forceFullSync: 1 });
    const forced = await apiError(
      platform.get('/restapi/v1.0/account/~/extension/~/message-sync', {
        syncType: 'ISync',
        syncToken: start.syncInfo.syncToken,
      }),
    );
    expect(forced.status).toBe(400);
    expect(forced.body.errors[0]!.errorCode).toBe('MSG-333');
    expect(forced.error.message).toContain('full synchronization is required');
    const other = inventory.extensions.find((e) => e.type === 'User' && e.id !== adminId)!;
    const foreign = await apiError(
      platform.get(`/restapi/v1.0/account/~/extension/${other.id}/message-sync`, {
        syncType: 'ISync',
        syncToken: start.syncInfo.syncToken,
      }),
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0]!.errorCode).toBe('CMN-101');
  });
});

describe('call-log-sync', () => {
  const sync = (query: Record<string, unknown>): Promise<SyncJson<CallJson>> =>
    getJson<SyncJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log-sync', query);

  it('FSync gives the newest recordCount records; ISync gives new calls and late recordings as changes', async () => {
    const f = await sync({ syncType: 'FSync', recordCount: 5 });
    expect(f.records).toHaveLength(5);
    const starts = f.records.map((r) => Date.parse(r.startTime));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);

    sim.advanceClock(1_000);
    const added = sim.addActivity({ calls: 2, recordedCalls: 1, lateRecordingDelaySeconds: 600 });
    const late = added.calls.find((c) => c.recordingId)!;
    const i1 = await sync({ syncType: 'ISync', syncToken: f.syncInfo.syncToken });
    expect(i1.records.map((r) => r.id).sort()).toEqual(added.calls.map((c) => c.id).sort());
    const before = i1.records.find((r) => r.id === late.id)!;
    expect(before.recording).toBeUndefined();

    sim.advanceClock(11 * 60_000);
    const i2 = await sync({ syncType: 'ISync', syncToken: i1.syncInfo.syncToken });
    expect(i2.records.map((r) => r.id)).toEqual([late.id]);
    expect(i2.records[0]!.recording!.id).toBe(late.recordingId);
    expect(Date.parse(i2.records[0]!.lastModifiedTime)).toBeGreaterThan(Date.parse(before.lastModifiedTime));
  });

  it('asks for a new FSync when more than 250 records changed', async () => {
    const f = await sync({ syncType: 'FSync', recordCount: 1 });
    sim.advanceClock(1_000);
    sim.addActivity({ calls: 251 });
    const { status, body } = await apiError(
      platform.get('/restapi/v1.0/account/~/call-log-sync', {
        syncType: 'ISync',
        syncToken: f.syncInfo.syncToken,
      }),
    );
    expect(status).toBe(400);
    expect(body.message).toContain('max sync record number limit is exceeded');
  });
});

describe('call-log-extract-sync', () => {
  it('pages through every change oldest first with newerRecordsExist', async () => {
    const all = await sim.inventory(undefined, { sha256: false });
    let res = await getJson<SyncJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log-extract-sync', {
      syncType: 'FSync',
      dateFrom: new Date(sim.now() - 10 * DAY_MS).toISOString(),
      recordCount: 50,
    });
    const seen: CallJson[] = [...res.records];
    let calls = 1;
    while (res.syncInfo.newerRecordsExist) {
      res = await getJson<SyncJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log-extract-sync', {
        syncType: 'ISync',
        syncToken: res.syncInfo.syncToken,
        recordCount: 50,
      });
      seen.push(...res.records);
      calls++;
    }
    expect(calls).toBeGreaterThan(2);
    expect(seen.map((r) => r.id).sort()).toEqual(all.callLog.map((c) => c.id).sort());
    const modified = seen.map((r) => Date.parse(r.lastModifiedTime));
    expect([...modified].sort((a, b) => a - b)).toEqual(modified);
  });
});
