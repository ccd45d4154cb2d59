/**
 * The `/__sim` control API over HTTP: accounts, inventory shape, activity, clock, late recordings,
 * retention (90 days and the per-account cap), deletions, faults (latency, 5xx, truncated bodies,
 * reset) and stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory, RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { apiError, DAY_MS, signIn, startSim, type Platform } from './helpers.ts';

let sim: RcSim;

async function post<T = Record<string, unknown>>(
  path: string,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${sim.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  sim = await startSim({
    accounts: [{ seed: 41, extensions: 6, days: 2, recordedShare: 0.5 }],
    limits: { Light: 10_000, Medium: 10_000, Heavy: 10_000, Auth: 10_000 },
  });
});

afterAll(async () => {
  await sim.close();
});

describe('/__sim', () => {
  it('answers a health check', async () => {
    expect(await get<{ ok: boolean; accounts: number }>('/__sim/health')).toMatchObject({
      ok: true,
      accounts: 1,
    });
  });

  it('returns the inventory in exactly the documented shape', async () => {
    const inv = await get<Inventory>('/__sim/inventory');
    expect(Object.keys(inv).sort()).toEqual(['accountId', 'callLog', 'extensions', 'messages']);
    expect(Object.keys(inv.extensions[0]!).sort()).toEqual([
      'admin',
      'extensionNumber',
      'id',
      'name',
      'type',
    ]);
    expect(Object.keys(inv.callLog[0]!).sort()).toEqual([
      'from',
      'id',
      'lastModifiedTime',
      'recording',
      'startTime',
      'to',
    ]);
    const rec = inv.callLog.find((c) => c.recording)!.recording!;
    expect(Object.keys(rec).sort()).toEqual(['contentType', 'id', 'sha256', 'size']);
    expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(inv.messages[0]!).sort()).toEqual([
      'attachments',
      'creationTime',
      'extensionId',
      'id',
      'type',
    ]);
    expect(Object.keys(inv.messages[0]!.attachments[0]!).sort()).toEqual([
      'contentType',
      'id',
      'sha256',
      'size',
      'type',
    ]);
    expect(typeof inv.extensions[0]!.id).toBe('string');
    expect(inv.extensions[0]).toMatchObject({ extensionNumber: '101', admin: true, type: 'User' });
  });

  it('creates accounts at run time, each with its own ids, and lists them', async () => {
    const created = await post<{ accountId: string; adminExtensionNumber: string; adminLogin: string }>(
      '/__sim/accounts',
      {
        seed: 99,
        extensions: 3,
        days: 1,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.adminExtensionNumber).toBe('101');
    expect(created.body.adminLogin).toBe(`${created.body.accountId}:101`);
    // Its admin signs in with the qualified login, and lands in the new account.
    const platform = await signIn(sim, created.body.adminLogin);
    const me = (await (await platform.get('/restapi/v1.0/account/~')).json()) as { id: number };
    expect(String(me.id)).toBe(created.body.accountId);
    const inv = await get<Inventory>(`/__sim/inventory?accountId=${created.body.accountId}`);
    expect(inv.accountId).toBe(created.body.accountId);
    const first = await get<Inventory>('/__sim/inventory');
    const firstIds = new Set(first.extensions.map((e) => e.id));
    for (const e of inv.extensions) expect(firstIds.has(e.id)).toBe(false);
    const { accounts } = await get<{ accounts: Array<{ accountId: string }> }>('/__sim/accounts');
    expect(accounts.map((a) => a.accountId)).toContain(created.body.accountId);
    expect((await post('/__sim/accounts', { seed: 1 })).status).toBe(400);
  });

  it('adds activity now, and a late recording appears only once the clock passes its delay', async () => {
    const added = await post<{
      calls: Array<{ id: string; recordingId: string | null }>;
      messages: Array<{ id: string }>;
    }>('/__sim/activity', {
      extensionNumber: '101',
      calls: 1,
      recordedCalls: 1,
      lateRecordingDelaySeconds: 300,
      sms: 1,
      faxes: 1,
    });
    expect(added.status).toBe(201);
    const late = added.body.calls.find((c) => c.recordingId)!;
    let inv = await get<Inventory>('/__sim/inventory?sha256=false');
    const before = inv.callLog.find((c) => c.id === late.id)!;
    expect(before.recording).toBeNull();
    for (const m of added.body.messages) expect(inv.messages.some((x) => x.id === m.id)).toBe(true);

    const clock = await post<{ nowMs: number }>('/__sim/clock', { advanceSeconds: 301 });
    expect(clock.status).toBe(200);
    inv = await get<Inventory>('/__sim/inventory?sha256=false');
    const after = inv.callLog.find((c) => c.id === late.id)!;
    expect(after.recording?.id).toBe(late.recordingId);
    expect(Date.parse(after.lastModifiedTime)).toBeGreaterThan(Date.parse(before.lastModifiedTime));
  });

  it('generates late recordings in seeded history too: a run right after sees none, a later run sees them', async () => {
    const fresh = await startSim({
      accounts: [
        {
          seed: 8,
          extensions: 10,
          days: 1,
          callsPerExtensionPerDay: 40,
          recordedShare: 1,
          lateRecordingShare: 1,
          lateWindowMinutes: 60,
        },
      ],
    });
    try {
      const count = async (): Promise<number> =>
        (await fresh.inventory(undefined, { sha256: false })).callLog.filter((c) => c.recording).length;
      const now = await count();
      fresh.advanceClock(31 * 60_000);
      expect(await count()).toBeGreaterThan(now);
    } finally {
      await fresh.close();
    }
  });

  it('deletes a recording and a message between listing and download: their content then 404s', async () => {
    const platform: Platform = await signIn(sim, '101');
    const inv = await get<Inventory>('/__sim/inventory?sha256=false');
    const rec = inv.callLog.find((c) => c.recording)!.recording!;
    const msg = inv.messages.find((m) => m.attachments.length > 0)!;
    const recUri = `${sim.mediaUrl}/restapi/v1.0/account/~/recording/${rec.id}/content`;
    const attUri = `${sim.mediaUrl}/restapi/v1.0/account/~/extension/${msg.extensionId}/message-store/${msg.id}/content/${msg.attachments[0]!.id}`;
    expect((await platform.get(recUri)).status).toBe(200);
    expect((await post('/__sim/delete', { kind: 'recording', id: rec.id })).status).toBe(200);
    expect((await post('/__sim/delete', { kind: 'message', id: msg.id })).status).toBe(200);
    const gone = await apiError(platform.get(recUri));
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]!.errorCode).toBe('CMN-102');
    expect((await apiError(platform.get(attUri))).status).toBe(404);
    expect((await post('/__sim/delete', { kind: 'recording', id: rec.id })).status).toBe(404);
    const after = await get<Inventory>('/__sim/inventory?sha256=false');
    expect(after.callLog.find((c) => c.recording?.id === rec.id)).toBeUndefined();
    expect(after.messages.find((m) => m.id === msg.id)).toBeUndefined();
  });

  it("deletes the next downloads' items as they begin (deleteOnDownload): 404, gone from the inventory, listed in stats", async () => {
    const platform: Platform = await signIn(sim, '101');
    const accountId = sim.accounts()[0]!.accountId;
    await post('/__sim/stats/reset', {});
    const inv = await get<Inventory>('/__sim/inventory?sha256=false');
    const [first, second] = inv.callLog.filter((c) => c.recording).map((c) => c.recording!);
    const msg = inv.messages.find((m) => m.attachments.length > 0)!;
    const recUri = (id: string) => `${sim.mediaUrl}/restapi/v1.0/account/~/recording/${id}/content`;
    const attUri = `${sim.mediaUrl}/restapi/v1.0/account/~/extension/${msg.extensionId}/message-store/${msg.id}/content/${msg.attachments[0]!.id}`;
    const armed = await post<{ faults: { deleteOnDownload: { remainingCount: number } } }>('/__sim/faults', {
      deleteOnDownload: { count: 2 },
    });
    expect(armed.body.faults.deleteOnDownload.remainingCount).toBe(2);
    const gone = await apiError(platform.get(recUri(first!.id)));
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]!.errorCode).toBe('CMN-102');
    expect((await apiError(platform.get(attUri))).status).toBe(404);
    // Spent: the next download is served whole.
    expect((await platform.get(recUri(second!.id))).status).toBe(200);
    const after = await get<Inventory>('/__sim/inventory?sha256=false');
    expect(after.callLog.find((c) => c.recording?.id === first!.id)).toBeUndefined();
    expect(after.callLog.find((c) => c.recording?.id === second!.id)).toBeDefined();
    expect(after.messages.find((m) => m.id === msg.id)).toBeUndefined();
    const stats = await get<{ deletedOnDownload: Array<{ kind: string; id: string }> }>(
      `/__sim/stats?accountId=${accountId}`,
    );
    expect(stats.deletedOnDownload).toEqual([
      { kind: 'recording', id: first!.id },
      { kind: 'message', id: String(msg.id) },
    ]);
    await post('/__sim/faults', { reset: true });
  });

  it('drops recordings older than 90 days and beyond the per-account cap, and calls after a year', async () => {
    const aged = await startSim({
      accounts: [
        { seed: 12, extensions: 3, days: 2, recordedShare: 1, lateRecordingShare: 0 },
        { seed: 13, extensions: 4, days: 3, recordedShare: 1, lateRecordingShare: 0, recordingCap: 5 },
      ],
    });
    try {
      const [a, b] = aged.accounts();
      const recorded = async (id: string): Promise<number> =>
        (await aged.inventory(id, { sha256: false })).callLog.filter((c) => c.recording).length;
      expect(await recorded(b!.accountId)).toBe(5);
      const before = await recorded(a!.accountId);
      expect(before).toBeGreaterThan(0);
      aged.advanceClock(89 * DAY_MS);
      expect(await recorded(a!.accountId)).toBeGreaterThan(0);
      aged.advanceClock(2 * DAY_MS + 60_000);
      expect(await recorded(a!.accountId)).toBe(0);
      // The records stay (the call log keeps a year); only their recordings go.
      const inv = await aged.inventory(a!.accountId, { sha256: false });
      expect(inv.callLog.length).toBeGreaterThan(0);
      aged.advanceClock(275 * DAY_MS);
      expect((await aged.inventory(a!.accountId, { sha256: false })).callLog).toEqual([]);
    } finally {
      await aged.close();
    }
  });

  it('injects latency, 5xx errors and truncated bodies, reports them, and resets', async () => {
    const platform = await signIn(sim, '101');
    const accountId = sim.accounts()[0]!.accountId;
    await post('/__sim/stats/reset', {});

    expect((await post('/__sim/faults', { latencyMs: 150 })).status).toBe(200);
    const t0 = Date.now();
    await platform.get('/restapi/v1.0/account/~');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    await post('/__sim/faults', { latencyMs: 0, errorRate: 1, errorStatus: 503 });
    const failed = await apiError(platform.get('/restapi/v1.0/account/~'));
    expect(failed.status).toBe(503);
    expect(failed.body.errors[0]!.errorCode).toBe('CMN-201');
    expect(failed.error.message).toBe('Service Temporary Unavailable');

    // A burst counted in requests: the next two fail, the third passes.
    await post('/__sim/faults', { errorRate: 0, errorNext: 2, errorStatus: 500 });
    expect((await apiError(platform.get('/restapi/v1.0/account/~'))).status).toBe(500);
    expect((await apiError(platform.get('/restapi/v1.0/account/~'))).status).toBe(500);
    expect((await platform.get('/restapi/v1.0/account/~')).status).toBe(200);

    await post('/__sim/faults', { truncateBodies: { count: 1 } });
    const inv = await get<Inventory>('/__sim/inventory?sha256=false');
    const rec = inv.callLog.find((c) => c.recording && c.recording.size > 10_000)!.recording!;
    const uri = `${sim.mediaUrl}/restapi/v1.0/account/~/recording/${rec.id}/content`;
    const { access_token } = await platform.auth().data();
    const cut = await fetch(uri, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(cut.headers.get('content-length')).toBe(String(rec.size));
    await expect(cut.arrayBuffer()).rejects.toThrow();
    const whole = await fetch(uri, { headers: { Authorization: `Bearer ${access_token}` } });
    expect((await whole.arrayBuffer()).byteLength).toBe(rec.size);

    const stats = await get<{ requests: Record<string, number>; injectedErrors: number; mediaBytes: number }>(
      `/__sim/stats?accountId=${accountId}`,
    );
    expect(stats.requests.Light).toBe(5);
    expect(stats.requests.Heavy).toBe(2);
    expect(stats.injectedErrors).toBe(3);
    expect(stats.mediaBytes).toBeGreaterThanOrEqual(rec.size);

    const reset = await post<{
      faults: { latencyMs: number; errorRate: number; adminCanReadOtherMailboxes: boolean };
    }>('/__sim/faults', { reset: true });
    expect(reset.body.faults).toMatchObject({ latencyMs: 0, errorRate: 0, adminCanReadOtherMailboxes: true });
    expect((await post('/__sim/faults', { nonsense: true })).status).toBe(400);
  });

  it('counts token grants and requests per group for the benchmark', async () => {
    await post('/__sim/stats/reset', {});
    const platform = await signIn(sim, '101');
    await platform.refresh();
    await platform.get('/restapi/v1.0/account/~/extension');
    const all = await get<{
      total: { requests: Record<string, number>; tokenGrants: Record<string, number> };
      accounts: Array<{ accountId: string }>;
    }>('/__sim/stats');
    expect(all.total.tokenGrants).toEqual({ authorization_code: 1, refresh_token: 1 });
    expect(all.total.requests.Medium).toBe(1);
    expect(all.total.requests.Auth).toBe(4); // consent page, consent POST, code grant, refresh
    expect(all.accounts.map((a) => a.accountId)).toContain(sim.accounts()[0]!.accountId);
  });
});
