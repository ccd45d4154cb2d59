import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcAccountSpec } from '../../../src/sandbox/ringcentral/index.ts';
import type { Run } from '../../../src/store/types.ts';
import { checkArchive, expectComplete } from '../../support/archive-check.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { spawnNode, type Spawned } from '../../support/processes.ts';
import { productEnv } from '../../support/product-env.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Fault suite, case 5: a token revoked at RingCentral (tenant A) and one revoked at Dropbox
 * (tenant B) while a real worker process archives three tenants. Each of the two is
 * needs_reconnect after one run, with no retry storm; tenant C keeps going; after reconnecting,
 * A and B resume from their cursors and what arrived meanwhile is archived, with no gap.
 */

const spec = (seed: number, companyName: string): RcAccountSpec => ({
  seed,
  companyName,
  extensions: 3,
  days: 2,
  callsPerExtensionPerDay: 3,
  recordedShare: 0.4,
  messagesPerExtensionPerDay: 1,
  recordingSizeRange: [2_000, 12_000],
  voicemailSizeRange: [2_000, 6_000],
  lateRecordingShare: 0,
});

interface Tenant {
  name: string;
  tenantId: string;
  email: string;
  browser: BrowserFlow;
}

describe('fault suite 5: a token revoked at RingCentral or at Dropbox', () => {
  let stack: TestStack;
  let worker: Spawned;
  let a: Tenant;
  let b: Tenant;
  let c: Tenant;
  /** Items each tenant's archive held before the revocation. */
  const archivedBefore = new Map<string, number>();

  const runs = async (t: Tenant): Promise<Run[]> =>
    (await stack.services.store.listRuns(t.tenantId, { limit: 100 })).items;
  const runsSince = async (t: Tenant, since: number) =>
    (await runs(t)).filter((r) => r.startedAt.getTime() >= since);
  const succeededSince = async (t: Tenant, since: number) =>
    (await runsSince(t, since)).some((r) => r.status === 'succeeded');
  const status = async (t: Tenant) => (await stack.services.store.getTenant(t.tenantId))?.status;
  const dropboxCalls = async (email: string) => {
    const stats = (await stack.dbx.stats(email)).accounts[0]!;
    return Object.values(stats.calls).reduce((n, c) => n + c, 0);
  };
  const rcRequests = (t: Tenant) => {
    const s = stack.rc.stats(t.tenantId);
    return Object.values(s.requests).reduce((n, c) => n + c, 0) + s.tokenErrors;
  };
  const backUpNow = async (t: Tenant) => {
    const csrf = await t.browser.csrfToken();
    await t.browser.agent.post('/dashboard/run-now').type('form').send({ _csrf: csrf }).expect(303);
  };
  const complete = async (t: Tenant) => {
    const check = expectComplete(await checkArchive(stack, t.tenantId, t.email));
    expect(check.expected).toBeGreaterThan(20);
    return check;
  };

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500 },
        accounts: [spec(501, 'Alpha Revoked'), spec(502, 'Bravo Unlinked'), spec(503, 'Charlie Steady')],
      },
    });
    const onboard = async (name: string, accountIndex: number): Promise<Tenant> => {
      const email = `${name.toLowerCase()}@revoked.example`;
      return { name, email, ...(await onboardTenant(stack, { accountIndex, email })) };
    };
    a = await onboard('A', 0);
    b = await onboard('B', 1);
    c = await onboard('C', 2);
    worker = spawnNode('src/main.ts', ['worker'], productEnv(stack));
  }, 60_000);

  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.exited();
    await stack?.close();
  });

  it('archives all three tenants completely before anything is revoked', async () => {
    for (const t of [a, b, c])
      await expect.poll(() => succeededSince(t, 0), { timeout: 60_000, interval: 250 }).toBe(true);
    for (const t of [a, b, c]) {
      const check = await complete(t);
      archivedBefore.set(t.name, check.expected);
      console.log(
        `before revocation, tenant ${t.name}: ${check.expected} items checked, none lost or duplicated`,
      );
    }
  }, 90_000);

  it('makes only the revoked tenants needs_reconnect, within one run and without a retry storm', async () => {
    const revokedAt = Date.now();
    expect(stack.rc.setFaults({ revokeTokens: a.tenantId }).revokedSessions).toBeGreaterThan(0);
    expect((await stack.dbx.revokeTokens(b.email)).revoked).toBeGreaterThan(0);
    const ledgerBefore = await Promise.all(
      [a, b].map(
        async (t) => (await stack.services.store.listLedger(t.tenantId, { limit: 1000 })).items.length,
      ),
    );
    for (const t of [a, b, c])
      stack.rc.addActivity({
        accountId: t.tenantId,
        extensionNumber: '101',
        calls: 2,
        recordedCalls: 1,
        voicemails: 1,
        sms: 1,
      });
    for (const t of [a, b, c]) await backUpNow(t);

    await expect.poll(() => status(a), { timeout: 30_000, interval: 100 }).toBe('needs_reconnect');
    await expect.poll(() => status(b), { timeout: 30_000, interval: 100 }).toBe('needs_reconnect');
    await expect.poll(() => succeededSince(c, revokedAt), { timeout: 30_000, interval: 250 }).toBe(true);
    const tenantA = await stack.services.store.getTenant(a.tenantId);
    const tenantB = await stack.services.store.getTenant(b.tenantId);
    expect(tenantA?.statusReason).toMatch(/RingCentral/);
    expect(tenantB?.statusReason).toMatch(/Dropbox/);

    // Calls each provider saw from the revoked tenants once they were marked: none may follow.
    const rcCallsA = rcRequests(a);
    const dbxCallsB = await dropboxCalls(b.email);
    // The admins press "Back up now" again; the worker keeps polling (every 0.5 s) for 5 s.
    await backUpNow(a);
    await backUpNow(b);
    await new Promise((r) => setTimeout(r, 5_000));
    for (const t of [a, b]) {
      const since = await runsSince(t, revokedAt);
      expect(since.map((r) => r.status)).toEqual(['failed']);
      expect(await status(t)).toBe('needs_reconnect');
    }
    expect(rcRequests(a)).toBe(rcCallsA);
    expect(await dropboxCalls(b.email)).toBe(dbxCallsB);
    // One refusal of the refresh, no more: the token endpoint was not hammered.
    expect(stack.rc.stats(a.tenantId).tokenErrors).toBeLessThanOrEqual(1);
    const ledgerAfter = await Promise.all(
      [a, b].map(
        async (t) => (await stack.services.store.listLedger(t.tenantId, { limit: 1000 })).items.length,
      ),
    );
    expect(ledgerAfter).toEqual(ledgerBefore);

    const check = await complete(c);
    console.log(
      `tenant C kept going while A and B were revoked: ${check.expected} items checked, none lost or duplicated`,
    );
  }, 90_000);

  it('resumes each reconnected tenant from its cursor, archiving what came meanwhile with no gap', async () => {
    const cursorsBefore = await Promise.all(
      [a, b].map((t) => stack.services.store.getCursor(t.tenantId, 'calllog')),
    );
    const reconnectedAt = Date.now();
    expect((await a.browser.signInWithRingCentral(stack.rc.accounts()[0]!.adminLogin)).status).toBe(303);
    expect((await b.browser.connectDropbox(b.email)).status).toBe(303);
    for (const t of [a, b]) expect(await status(t)).toBe('active');

    // Nobody presses anything: reconnecting is what brings the backups back.
    for (const t of [a, b])
      await expect
        .poll(() => succeededSince(t, reconnectedAt), { timeout: 30_000, interval: 250 })
        .toBe(true);
    for (const [i, t] of [a, b].entries()) {
      const resumed = (await runsSince(t, reconnectedAt)).find((r) => r.status === 'succeeded')!;
      const check = await complete(t);
      // Exactly what arrived while the tenant was disconnected; nothing archived earlier was sent again.
      const kinds = resumed.stats.kinds as Record<string, { items: number }>;
      const items = Object.values(kinds).reduce((n, k) => n + k.items, 0);
      expect(items).toBe(check.expected - archivedBefore.get(t.name)!);
      expect(items).toBeGreaterThanOrEqual(6);
      const before = Date.parse(cursorsBefore[i]?.position.until as string);
      const after = await stack.services.store.getCursor(t.tenantId, 'calllog');
      expect(Date.parse(after?.position.until as string)).toBeGreaterThan(before);
      console.log(
        `tenant ${t.name} after reconnecting: ${check.expected} items checked, none lost or duplicated; ` +
          `the resumed run archived the ${items} items that arrived meanwhile`,
      );
    }
  }, 90_000);
});
