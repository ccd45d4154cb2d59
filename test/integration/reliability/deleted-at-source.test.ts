import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLedger, checkArchive, expectComplete } from '../../support/archive-check.ts';
import { archiveChild, finishes } from '../../support/archive-child-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Fault suite, case 7: recordings deleted at RingCentral after the run listed them and before it
 * downloaded them. Downloads are paced by a small Heavy limit (2 a second, oldest first), so the
 * test can delete recordings from the middle of the queue while the real archiving process works.
 */

const EMAIL = 'archive@deleted.example';

describe('fault suite 7: an item deleted at RingCentral between listing and download', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 2, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 707,
            extensions: 4,
            days: 2,
            callsPerExtensionPerDay: 4,
            recordedShare: 0.9,
            messagesPerExtensionPerDay: 1,
            recordingSizeRange: [2_000, 12_000],
            voicemailSizeRange: [2_000, 6_000],
            lateRecordingShare: 0,
          },
        ],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: EMAIL }));
  }, 60_000);
  afterAll(async () => stack?.close());

  it('records each as skipped with the reason and archives everything else', async () => {
    const child = archiveChild(stack, tenantId);
    const recorded = (await stack.rc.inventory(tenantId, { sha256: false })).callLog
      .filter((c) => c.recording)
      .sort((x, y) => Date.parse(x.startTime) - Date.parse(y.startTime));
    expect(recorded.length).toBeGreaterThanOrEqual(20);

    // Once RingCentral has served recording bytes, the call log has been listed; downloads go
    // on at 2 a second, oldest first.
    await expect
      .poll(() => stack.rc.stats(tenantId).mediaBytes, { timeout: 30_000, interval: 20 })
      .toBeGreaterThan(0);
    const queue = recorded;
    // Three from the middle of what is still to come: the ones after them must still be archived.
    const victims = queue.slice(-6, -3).map((c) => c.recording!.id);
    expect(victims).toHaveLength(3);
    for (const id of victims)
      expect(stack.rc.deleteItem({ accountId: tenantId, kind: 'recording', id })).toBe(true);
    await finishes(child);

    const outstanding = (await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items;
    expect(outstanding.map((o) => [o.kind, o.sourceId, o.status]).sort()).toEqual(
      victims.map((id) => ['recording', id, 'skipped']).sort(),
    );
    for (const o of outstanding)
      expect(o.lastError).toBe('Deleted by RingCentral before it could be archived.');
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.status).toBe('partial');
    const errors = run.errors.filter((e) => e.outcome === 'skipped');
    expect(errors.map((e) => e.sourceId).sort()).toEqual([...victims].sort());
    for (const e of errors) expect(e.reason).toMatch(/Deleted by RingCentral/);
    expect(run.stats.deletedByRingCentral).toBe(victims.length);
    // The run went on past them: the recordings queued after the victims are archived.
    const archived = new Set(
      (await allLedger(stack, tenantId)).filter((e) => e.kind === 'recording').map((e) => e.sourceId),
    );
    for (const c of queue.slice(-3)) expect(archived).toContain(c.recording!.id);
    const files = (await stack.dbx.files()).accounts[0]!.files.map((f) => f.path_display);
    for (const id of victims) expect(files.filter((p) => p.includes(id))).toEqual([]);

    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `deleted between listing and download: ${check.expected} items checked (${check.binaries} binaries), ` +
        `${victims.length} recordings skipped with the reason; none lost or duplicated`,
    );
  }, 90_000);

  it('leaves them skipped on the next run, which archives nothing again', async () => {
    const itemsBefore = (await allLedger(stack, tenantId)).filter((e) => e.kind !== 'report').length;
    await finishes(archiveChild(stack, tenantId));
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.status).toBe('succeeded');
    expect(run.stats.kinds).toEqual({});
    expect((await allLedger(stack, tenantId)).filter((e) => e.kind !== 'report')).toHaveLength(itemsBefore);
    const outstanding = (await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items;
    expect(outstanding.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(`next run: ${check.expected} items checked, nothing archived again, none lost or duplicated`);
  }, 60_000);
});
