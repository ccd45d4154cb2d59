/**
 * POST /webhooks/ringcentral on a real port, fed by the RingCentral simulator's own deliveries:
 * the Validation-Token handshake within RingCentral's size limit; a forged, missing or foreign
 * Verification-Token is refused and schedules nothing; unknown and expired subscriptions are 404;
 * bodies are size-limited; a notification marks its stream dirty and schedules one early run,
 * further ones (and redeliveries of the same one) join it; each company has its own rate limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SOON_JOB } from '../../../src/jobs/agenda.ts';
import { WEBHOOK_PATH } from '../../../src/push/subscriptions.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const RATE_LIMIT = 6;

describe('the RingCentral webhook endpoint', () => {
  let stack: TestStack;
  let tenantId: string;
  let other: string;
  let url: string;

  beforeAll(async () => {
    stack = await startStack({
      listen: true,
      env: {
        RINGCENTRAL_WEBHOOKS: 'on',
        AUTH_RATE_LIMIT_PER_MINUTE: '1000',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        EARLY_RUN_DELAY_SECONDS: '30',
      },
      rc: {
        limits: { Heavy: 1000, Medium: 1000, Light: 1000, Auth: 100 },
        accounts: [
          { seed: 71, extensions: 6, days: 0 },
          { seed: 72, extensions: 3, days: 0 },
        ],
      },
    });
    url = `${stack.baseUrl}${WEBHOOK_PATH}`;
    tenantId = (await onboardTenant(stack, { accountIndex: 0, email: 'hooks@example.com' })).tenantId;
    other = (await onboardTenant(stack, { accountIndex: 1, email: 'other@example.com' })).tenantId;
    for (const id of [tenantId, other])
      expect((await stack.services.subscriptions.ensure(id, { force: true })).action).toBe('created');
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(() => {
    stack.rc.setFaults({ reset: true });
  });

  const soonJobs = async (id: string) =>
    (await stack.services.agenda.queryJobs({ name: SOON_JOB, data: { tenantId: id } })).jobs.length;
  const dirty = (id: string) => stack.services.store.listDirtyStreams(id);
  /** A real notification body, captured by letting the simulator drop it instead of sending it. */
  const capturedNotification = (id: string, extensionNumber = '101') => {
    stack.rc.setFaults({ dropNotifications: 1 });
    stack.rc.addActivity({ accountId: id, extensionNumber, sms: 1 });
    stack.rc.setFaults({ dropNotifications: 0 });
    const dropped = stack.rc.deliveries({ accountId: id }).filter((d) => d.status === 'dropped');
    return Promise.resolve(dropped.at(-1)!.body as { uuid: string; subscriptionId: string; event: string });
  };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers the Validation-Token handshake with the same header, under 1,024 bytes', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'Validation-Token': 'tok-123_abc' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('validation-token')).toBe('tok-123_abc');
    let bytes = (await res.text()).length;
    res.headers.forEach((value, name) => (bytes += `${name}: ${value}\r\n`.length));
    expect(bytes).toBeLessThan(1024);
    const tooLong = 'x'.repeat(600);
    expect((await fetch(url, { method: 'POST', headers: { 'Validation-Token': tooLong } })).status).toBe(400);
  });

  it('refuses a forged or missing Verification-Token and schedules nothing', async () => {
    const notification = await capturedNotification(tenantId);
    const attempts: Array<Record<string, string>> = [
      {},
      { 'Verification-Token': 'forged' },
      { 'Verification-Token': '' },
    ];
    for (const headers of attempts) {
      const res = await post(notification, headers);
      expect(res.status).toBe(401);
    }
    expect(await dirty(tenantId)).toEqual([]);
    expect(await soonJobs(tenantId)).toBe(0);
    expect((await stack.services.store.listRuns(tenantId)).items).toEqual([]);
    // The refused uuid was not even recorded: the real delivery later counts as new.
    expect(
      await stack.services.store.recordPushEvent(
        tenantId,
        notification.subscriptionId,
        notification.uuid,
        new Date(),
      ),
    ).toBe(true);
  });

  it('answers 404 for an unknown or expired subscription, and does nothing', async () => {
    const notification = await capturedNotification(tenantId);
    expect(
      (await post({ ...notification, subscriptionId: 'no-such-id' }, { 'Verification-Token': 'x' })).status,
    ).toBe(404);
    const stored = (await stack.services.store.getPushSubscription(notification.subscriptionId))!;
    await stack.services.store.savePushSubscription({ ...stored, expiresAt: new Date(Date.now() - 1000) });
    try {
      expect((await post(notification, { 'Verification-Token': 'x' })).status).toBe(404);
    } finally {
      await stack.services.store.savePushSubscription(stored);
    }
    expect(await dirty(tenantId)).toEqual([]);
    expect(await soonJobs(tenantId)).toBe(0);
  });

  it('limits the body size and refuses what is not a notification', async () => {
    expect((await post('{"uuid":"' + 'x'.repeat(70_000) + '"}')).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });

  it('marks the mailbox dirty and schedules one early run; more notifications and redeliveries join it', async () => {
    stack.rc.setFaults({ duplicateNotifications: 1 });
    const added = stack.rc.addActivity({ accountId: tenantId, extensionNumber: '101', sms: 1 });
    await expect
      .poll(() => stack.rc.deliveries({ accountId: tenantId }).filter((d) => d.status === 'delivered').length)
      .toBeGreaterThanOrEqual(2);
    const [first, again] = stack.rc
      .deliveries({ accountId: tenantId })
      .filter((d) => d.status === 'delivered');
    expect(again!.uuid).toBe(first!.uuid);
    expect([first!.lastStatus, again!.lastStatus]).toEqual([200, 200]);
    stack.rc.addActivity({ accountId: tenantId, extensionNumber: '101', sms: 2 });
    await expect.poll(async () => (await dirty(tenantId))[0]?.version).toBe(2);

    const marks = await dirty(tenantId);
    expect(marks).toEqual([
      expect.objectContaining({ stream: `mailbox:${added.extensionId}`, attempts: 0, awaiting: [] }),
    ]);
    // EARLY_RUN_DELAY_SECONDS after the first notification.
    expect(marks[0]!.dueAt.getTime() - marks[0]!.changedAt.getTime()).toBeLessThanOrEqual(30_000);
    expect(await soonJobs(tenantId)).toBe(1);
    expect(
      (await stack.services.store.getPushSubscription(first!.subscriptionId))?.lastEventAt,
    ).not.toBeNull();
  });

  it('rate-limits notifications per company, not across companies', async () => {
    const before = stack.rc.deliveries({ accountId: tenantId }).length;
    for (let i = 0; i < RATE_LIMIT + 3; i++)
      stack.rc.addActivity({ accountId: tenantId, extensionNumber: String(102 + (i % 3)), sms: 1 });
    await expect
      .poll(
        () =>
          stack.rc
            .deliveries({ accountId: tenantId })
            .slice(before)
            .filter((d) => d.lastStatus !== null).length,
      )
      .toBe(RATE_LIMIT + 3);
    const statuses = stack.rc
      .deliveries({ accountId: tenantId })
      .slice(before)
      .map((d) => d.lastStatus);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    // The other company's notifications still get through.
    stack.rc.addActivity({ accountId: other, sms: 1 });
    await expect.poll(() => stack.rc.deliveries({ accountId: other }).at(-1)?.lastStatus).toBe(200);
  });
});
