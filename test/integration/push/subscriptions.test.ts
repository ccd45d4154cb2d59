/**
 * Each company's RingCentral subscription, against the simulator over HTTP with the app served on
 * a real port (the simulator checks the address with the Validation-Token handshake): created by
 * the first run once the company is active, with a filter per archived mailbox; renewed near its
 * expiry; replaced when RingCentral blacklists it; gone from RingCentral on uninstall and on
 * disconnect; and after ten companies reconnect twice each, exactly one per company is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxFilter, telephonyFilter } from '../../../src/push/filters.ts';
import { LIFETIME_SECONDS, RENEW_WITHIN_MS, WEBHOOK_PATH } from '../../../src/push/subscriptions.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const ACCOUNTS = 10;

describe('push subscriptions per company', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({
      listen: true,
      clockFromRc: true,
      env: { RINGCENTRAL_WEBHOOKS: 'on', AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 100 },
        accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({ seed: 300 + i, extensions: 4, days: 0 })),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const subscriptionsOf = (accountId: string) => stack.rc.subscriptions(accountId);

  it('the first run of an active company subscribes to every archived mailbox; the dashboard says it is live', async () => {
    const { tenantId, browser } = await onboardTenant(stack, { accountIndex: 0, email: 'first@example.com' });
    expect(subscriptionsOf(tenantId)).toEqual([]);
    await runArchive(stack, tenantId, 'schedule');

    const [sub, ...more] = subscriptionsOf(tenantId);
    expect(more).toEqual([]);
    expect(sub).toMatchObject({
      status: 'Active',
      address: `${stack.baseUrl}${WEBHOOK_PATH}`,
      hasVerificationToken: true,
    });
    const mailboxes = (await stack.rc.inventory(tenantId, { sha256: false })).extensions.filter((e) =>
      ['User', 'Department', 'FaxUser', 'Voicemail', 'DigitalUser'].includes(e.type),
    );
    expect([...sub!.eventFilters].sort()).toEqual(
      mailboxes.map((e) => mailboxFilter(tenantId, String(e.id))).sort(),
    );
    // The app was not granted CallControl: calls keep the hourly rhythm, and the pages say so.
    expect(sub!.eventFilters).not.toContain(telephonyFilter(tenantId));
    expect(Date.parse(sub!.expirationTime) - stack.rc.now()).toBeCloseTo(LIFETIME_SECONDS * 1000, -4);
    const stored = await stack.services.store.listPushSubscriptions(tenantId);
    expect(stored.map((s) => s.id)).toEqual([sub!.id]);
    expect(stored[0]!.verificationHash).toMatch(/^[0-9a-f]{64}$/);

    const dashboard = await browser.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('data-live="1"');
    expect(dashboard.text).toContain('give the RingCentral app the Call Control permission');
    const settings = await browser.agent.get('/settings').expect(200);
    expect(settings.text).toMatch(
      /Calls and recordings are archived hourly: your RingCentral app does not have the Call Control permission/,
    );

    // A second run changes nothing at RingCentral.
    await runArchive(stack, tenantId, 'schedule');
    expect(subscriptionsOf(tenantId).map((s) => s.id)).toEqual([sub!.id]);
  });

  it('renews a subscription near its expiry and re-creates one RingCentral blacklisted', async () => {
    const tenantId = stack.rc.accounts()[1]!.accountId;
    await onboardTenant(stack, { accountIndex: 1, email: 'renew@example.com' });
    const keeper = stack.services.subscriptions;
    expect((await keeper.ensure(tenantId, { force: true })).action).toBe('created');
    const [first] = subscriptionsOf(tenantId);

    // Not yet near expiry: kept as it is.
    stack.rc.advanceClock(LIFETIME_SECONDS * 1000 - RENEW_WITHIN_MS - 3_600_000);
    expect((await keeper.ensure(tenantId, { force: true })).action).toBe('kept');
    expect(subscriptionsOf(tenantId)[0]!.expirationTime).toBe(first!.expirationTime);
    // Within the renewal window: renewed for another lifetime, the same subscription.
    stack.rc.advanceClock(2 * 3_600_000);
    expect((await keeper.ensure(tenantId, { force: true })).action).toBe('renewed');
    const [renewed] = subscriptionsOf(tenantId);
    expect(renewed!.id).toBe(first!.id);
    expect(Date.parse(renewed!.expirationTime)).toBeGreaterThan(Date.parse(first!.expirationTime));
    expect((await stack.services.store.getPushSubscription(first!.id))?.expiresAt.toISOString()).toBe(
      renewed!.expirationTime,
    );

    // Our record lost (the endpoint answers 404), RingCentral retries for ten minutes, then blacklists.
    await stack.services.store.deletePushSubscription(first!.id);
    // Without a subscription we hold, the dashboard says notifications are not live (a fresh
    // sign-in: days have passed on the clock).
    const browser = new BrowserFlow(stack);
    expect((await browser.signInWithRingCentral(stack.rc.accounts()[1]!.adminLogin)).status).toBe(303);
    const dashboard = await browser.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('data-live="0"');
    expect(dashboard.text).toMatch(/Not live[\s\S]*Backups still run hourly/);
    stack.rc.addActivity({ accountId: tenantId, sms: 1 });
    await expect.poll(() => stack.rc.deliveries({ subscriptionId: first!.id })[0]?.lastStatus).toBe(404);
    stack.rc.advanceClock(11 * 60_000);
    await expect.poll(() => subscriptionsOf(tenantId)[0]?.status, { timeout: 10_000 }).toBe('Blacklisted');
    const replaced = await keeper.ensure(tenantId, { force: true });
    expect(replaced).toMatchObject({ action: 'created', live: true });
    expect(subscriptionsOf(tenantId).map((s) => [s.id, s.status])).toEqual([
      [replaced.subscriptionId, 'Active'],
    ]);
    expect(replaced.subscriptionId).not.toBe(first!.id);
  });

  it('uninstall and disconnect delete the company’s subscriptions at RingCentral', async () => {
    const a = await onboardTenant(stack, { accountIndex: 2, email: 'uninstall@example.com' });
    const b = await onboardTenant(stack, { accountIndex: 3, email: 'disconnect@example.com' });
    for (const t of [a, b]) await stack.services.subscriptions.ensure(t.tenantId, { force: true });
    expect(subscriptionsOf(a.tenantId)).toHaveLength(1);
    expect(subscriptionsOf(b.tenantId)).toHaveLength(1);

    const csrf = async (browser: BrowserFlow, page: string) =>
      /name="_csrf" value="([^"]+)"/.exec((await browser.agent.get(page).expect(200)).text)![1]!;
    await a.browser.agent
      .post('/uninstall')
      .type('form')
      .send({ _csrf: await csrf(a.browser, '/uninstall'), confirm: 'uninstall' })
      .expect(303);
    expect(subscriptionsOf(a.tenantId)).toEqual([]);

    await b.browser.agent
      .post('/connect/dropbox/disconnect')
      .type('form')
      .send({ _csrf: await csrf(b.browser, '/dashboard') })
      .expect(303);
    expect(subscriptionsOf(b.tenantId)).toEqual([]);
    expect(await stack.services.store.listPushSubscriptions(b.tenantId)).toEqual([]);
  });

  it('ten companies reconnected twice each end with exactly the subscriptions they need', async () => {
    const accounts = stack.rc.accounts().slice(4, ACCOUNTS);
    const tenants = await Promise.all(
      accounts.map((_, i) => onboardTenant(stack, { accountIndex: 4 + i, email: `many-${i}@example.com` })),
    );
    // Plus the four companies of the tests above, in whatever state they were left.
    const all = [
      ...stack.rc
        .accounts()
        .slice(0, 4)
        .map((a) => a.accountId),
      ...tenants.map((t) => t.tenantId),
    ];
    for (let round = 0; round < 2; round++) {
      for (const [i, account] of stack.rc.accounts().entries()) {
        const tenant = await stack.services.store.getTenant(account.accountId);
        if (!tenant || tenant.status === 'uninstalled') {
          await onboardTenant(stack, { accountIndex: i, email: `back-${i}-${round}@example.com` });
        } else {
          // RingCentral access is revoked (the tenant needs reconnecting), then an admin signs in again.
          stack.rc.setFaults({ revokeTokens: account.accountId });
          await runArchive(stack, account.accountId, 'schedule');
          expect((await stack.services.store.getTenant(account.accountId))?.status).toBe('needs_reconnect');
          expect((await new BrowserFlow(stack).signInWithRingCentral(account.adminLogin)).status).toBe(303);
          if ((await stack.services.store.getTenant(account.accountId))?.status !== 'active')
            await onboardTenant(stack, { accountIndex: i, email: `dbx-${i}-${round}@example.com` });
        }
        await runArchive(stack, account.accountId, 'schedule');
      }
    }
    for (const tenantId of all) {
      const subs = subscriptionsOf(tenantId);
      expect(
        subs.map((s) => s.status),
        tenantId,
      ).toEqual(['Active']);
      const stored = await stack.services.store.listPushSubscriptions(tenantId);
      expect(stored.map((s) => s.id)).toEqual([subs[0]!.id]);
    }
    expect(stack.rc.subscriptions()).toHaveLength(ACCOUNTS);
  }, 120_000);
});
