/**
 * Early runs end to end: the simulator notifies the app over HTTP, a worker (Agenda, the run lease,
 * the real pipeline) runs the marked streams soon after, and only those. An SMS is in the archive
 * seconds after it arrives, by a run that read no call log; the same notification delivered twice
 * makes one early run; a call whose recording attaches minutes later is archived at once and its
 * recording picked up by the short ladder of early runs, before any hourly run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../../src/jobs/worker.ts';
import { archiveWork, startWorkerProcess } from '../../../src/runtime/worker.ts';
import type { Run } from '../../../src/store/types.ts';
import { allLedger } from '../../support/archive-check.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

describe('early runs brought by notifications', () => {
  let stack: TestStack;
  let worker: Worker;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      listen: true,
      rcPermissions: ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'ReadMessages', 'CallControl'],
      env: {
        RINGCENTRAL_WEBHOOKS: 'on',
        AUTH_RATE_LIMIT_PER_MINUTE: '1000',
        EARLY_RUN_DELAY_SECONDS: '0.5',
        EARLY_RUN_CALL_DELAY_SECONDS: '1',
        JOB_POLL_SECONDS: '0.5',
      },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 200, Medium: 400, Light: 500, Auth: 100 },
        accounts: [{ seed: 91, extensions: 5, days: 1 }],
      },
    });
    worker = await startWorkerProcess(stack.services, archiveWork(stack.services));
    tenantId = (await onboardTenant(stack, { email: 'early@example.com' })).tenantId;
  }, 60_000);

  afterAll(async () => {
    await worker?.shutdown(5_000);
    await stack?.close();
  });

  const runs = async (): Promise<Run[]> =>
    (await stack.services.store.listRuns(tenantId, { limit: 100 })).items;
  const earlyRuns = async () => (await runs()).filter((r) => r.trigger === 'notification');
  const archived = async (kind: string, sourceId: string) =>
    (await allLedger(stack, tenantId)).some((e) => e.kind === kind && e.sourceId === sourceId);
  const settled = async () => {
    await expect.poll(() => stack.services.store.listDirtyStreams(tenantId), { timeout: 30_000 }).toEqual([]);
    await expect.poll(async () => (await runs()).every((r) => r.finishedAt), { timeout: 30_000 }).toBe(true);
  };

  it('the first run after the company becomes active subscribes, calls included (CallControl)', async () => {
    await expect
      .poll(() => stack.rc.subscriptions(tenantId).length, { timeout: 30_000, interval: 200 })
      .toBe(1);
    await expect
      .poll(async () => (await runs()).some((r) => r.finishedAt), { timeout: 30_000, interval: 200 })
      .toBe(true);
    const [sub] = stack.rc.subscriptions(tenantId);
    expect(sub!.eventFilters).toContain(
      `/restapi/v1.0/account/${tenantId}/telephony/sessions?statusCode=Disconnected`,
    );
  });

  it('archives an SMS within seconds, reading only that mailbox', async () => {
    await settled();
    const before = (await earlyRuns()).length;
    const added = stack.rc.addActivity({ accountId: tenantId, extensionNumber: '102', sms: 1 });
    const id = added.messages[0]!.id;
    await expect.poll(() => archived('sms', id), { timeout: 15_000, interval: 200 }).toBe(true);
    await settled();
    const early = (await earlyRuns()).slice(0, (await earlyRuns()).length - before);
    expect(early).toHaveLength(1);
    const calls = early[0]!.stats.apiCalls as Record<string, number>;
    expect(calls.Heavy ?? 0).toBe(0); // no call log, no export
    expect(early[0]!.status).toBe('succeeded');
  });

  it('runs once for a notification delivered twice', async () => {
    await settled();
    const before = (await earlyRuns()).length;
    stack.rc.setFaults({ duplicateNotifications: 1 });
    try {
      const added = stack.rc.addActivity({ accountId: tenantId, extensionNumber: '103', sms: 1 });
      await expect.poll(() => archived('sms', added.messages[0]!.id), { timeout: 15_000 }).toBe(true);
      const deliveries = stack.rc.deliveries({ accountId: tenantId }).slice(-2);
      expect(deliveries.map((d) => [d.uuid, d.status])).toEqual([
        [deliveries[0]!.uuid, 'delivered'],
        [deliveries[0]!.uuid, 'delivered'],
      ]);
      await settled();
      // Give a second early run every chance to appear.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await earlyRuns()).length - before).toBe(1);
    } finally {
      stack.rc.setFaults({ duplicateNotifications: 0 });
    }
  });

  it('archives a call at once and its late recording on the short ladder, before any hourly run', async () => {
    await settled();
    const hourly = (await runs()).filter((r) => r.trigger !== 'notification').length;
    const added = stack.rc.addActivity({
      accountId: tenantId,
      extensionNumber: '101',
      recordedCalls: 1,
      lateRecordingDelaySeconds: 4,
    });
    const call = added.calls[0]!;
    await expect.poll(() => archived('call', call.id), { timeout: 15_000, interval: 200 }).toBe(true);
    expect(await archived('recording', call.recordingId!)).toBe(false);
    // The early run that archived the call settles its mark: still waiting for the recording.
    const mark = async () => (await stack.services.store.listDirtyStreams(tenantId))[0];
    await expect
      .poll(async () => (await mark())?.attempts ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1);
    expect(await mark()).toMatchObject({ stream: 'calllog', awaiting: [call.recordingId] });

    await expect
      .poll(() => archived('recording', call.recordingId!), { timeout: 30_000, interval: 250 })
      .toBe(true);
    await settled();
    expect((await runs()).filter((r) => r.trigger !== 'notification')).toHaveLength(hourly);
  });
});
