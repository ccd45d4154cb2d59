import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/store/types.ts';
import { parseSettings } from '../../../src/tenants/settings.ts';
import { allLedger } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * A backfill through history RingCentral no longer holds, or never had, costs a few Heavy calls:
 * runs never read before what RingCentral keeps, and empty stretches are skipped by one-record
 * probes instead of being walked a month at a time.
 */
describe('backfill through empty history', () => {
  let stack: TestStack;
  let recent: string;
  let empty: string;

  beforeAll(async () => {
    stack = await startStack({
      clockFromRc: true,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 100 },
        accounts: [
          { seed: 61, extensions: 3, days: 3, callsPerExtensionPerDay: 4, companyName: 'Recent Co' },
          { seed: 62, extensions: 3, days: 0, companyName: 'Empty Co' },
        ],
      },
    });
    recent = (await onboardTenant(stack, { accountIndex: 0, email: 'recent@example.com' })).tenantId;
    empty = (await onboardTenant(stack, { accountIndex: 1, email: 'empty@example.com' })).tenantId;
    // The call log alone, from a day stored long ago (as an older version accepted): Heavy calls
    // are then call-log pages only.
    for (const tenantId of [recent, empty]) {
      const tenant = await stack.services.store.getTenant(tenantId);
      const settings = parseSettings(tenant!.settings) as unknown as JsonObject;
      await stack.services.store.updateTenant(tenantId, {
        settings: {
          ...settings,
          backfillFrom: '0001-01-01',
          dataTypes: { callLog: true, recordings: false, voicemail: false, fax: false, sms: false },
        },
      });
    }
  }, 120_000);
  afterAll(async () => stack?.close());

  const heavyCalls = async (tenantId: string) => {
    stack.rc.resetStats();
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded', moreWork: false });
    return stack.rc.stats(tenantId).requests.Heavy;
  };

  it('archives three days of calls after a year of nothing in a handful of Heavy calls', async () => {
    const heavy = await heavyCalls(recent);
    // A window a month through the year RingCentral keeps was 14 calls; from year 1, 23,800.
    expect(heavy).toBeLessThanOrEqual(10);
    const inventory = await stack.rc.inventory(recent, { sha256: false });
    const archived = new Set(
      (await allLedger(stack, recent)).filter((e) => e.kind === 'call').map((e) => e.sourceId),
    );
    expect(inventory.callLog.length).toBeGreaterThan(10);
    expect(inventory.callLog.filter((c) => !archived.has(c.id))).toEqual([]);
    console.log(`recent history: ${inventory.callLog.length} calls archived with ${heavy} Heavy calls`);
  }, 60_000);

  it('finds a year with no calls at all in two Heavy calls', async () => {
    expect(await heavyCalls(empty)).toBeLessThanOrEqual(2);
    const cursor = await stack.services.store.getCursor(empty, 'calllog');
    expect(Date.parse(cursor?.position.until as string)).toBeGreaterThan(stack.rc.now() - 60_000);
  }, 60_000);
});
