import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/store/types.ts';
import { checkArchive, expectComplete } from '../../support/archive-check.ts';
import { archiveChild, finishes } from '../../support/archive-child-run.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Fault suite, case 6: the tenant's Dropbox runs out of space (`insufficient_space`) in the middle
 * of a run. The run stops cleanly and says why, nothing half-written is left, and archiving resumes
 * once there is space again.
 */

const EMAIL = 'archive@full.example';
const FULL_PROBLEM = /Dropbox is full\. Free up space/;

describe('fault suite 6: Dropbox insufficient_space', () => {
  let stack: TestStack;
  let tenantId: string;
  let browser: BrowserFlow;

  const latestRun = async (): Promise<Run> =>
    (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
  const dropboxStats = async () => (await stack.dbx.stats(EMAIL)).accounts[0]!;
  const uploadCalls = async () =>
    Object.entries((await dropboxStats()).calls)
      .filter(([route]) => /upload|finish/.test(route))
      .reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 606,
            extensions: 4,
            days: 2,
            callsPerExtensionPerDay: 4,
            recordedShare: 0.5,
            messagesPerExtensionPerDay: 1,
            recordingSizeRange: [5_000, 20_000],
            voicemailSizeRange: [2_000, 6_000],
            lateRecordingShare: 0,
          },
        ],
      },
    });
    ({ tenantId, browser } = await onboardTenant(stack, { email: EMAIL }));
    // Room for the records' JSON and a few recordings, not for everything.
    await stack.dbx.setQuota(EMAIL, 120_000);
  }, 60_000);
  afterAll(async () => stack?.close());

  it('stops the run cleanly when Dropbox is full mid-run, and says why', async () => {
    await finishes(archiveChild(stack, tenantId));
    const run = await latestRun();
    expect(run.status).toBe('failed');
    expect(run.stats.problem).toMatch(FULL_PROBLEM);
    const stats = await dropboxStats();
    expect(stats.usedBytes).toBeGreaterThan(0);
    expect(stats.usedBytes).toBeLessThanOrEqual(120_000);

    // What is in Dropbox is whole and in the ledger; what is not is left for later, not given up.
    const check = await checkArchive(stack, tenantId, EMAIL);
    expect(check.missing.length).toBeGreaterThan(0);
    expect(check.missing.length).toBeLessThan(check.expected);
    expect({ mismatched: check.mismatched, unexpected: check.unexpected, copies: check.copies }).toEqual({
      mismatched: [],
      unexpected: [],
      copies: [],
    });
    expect((await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items).toEqual([]);
    expect((await stack.services.store.getTenant(tenantId))?.status).toBe('active');

    // The admin sees why on the dashboard.
    const page = await browser.agent.get('/dashboard').expect(200);
    expect(page.text).toMatch(/The last backup stopped:/);
    expect(page.text).toMatch(FULL_PROBLEM);
    console.log(
      `Dropbox full mid-run: ${check.expected - check.missing.length} of ${check.expected} items archived, ` +
        `${check.missing.length} left for later; no partial file, no copy, ledger and Dropbox agree`,
    );
  }, 60_000);

  it('stops the next run before uploading anything while the account stays full', async () => {
    await stack.dbx.setQuota(EMAIL, (await dropboxStats()).usedBytes);
    const before = await uploadCalls();
    await finishes(archiveChild(stack, tenantId));
    const run = await latestRun();
    expect(run.status).toBe('failed');
    expect(run.stats.problem).toMatch(FULL_PROBLEM);
    expect(await uploadCalls()).toBe(before);
  }, 60_000);

  it('resumes when space is freed and archives everything exactly once', async () => {
    await stack.dbx.setQuota(EMAIL, 2 * 1024 * 1024 * 1024);
    await finishes(archiveChild(stack, tenantId));
    expect((await latestRun()).status).toBe('succeeded');
    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    const page = await browser.agent.get('/dashboard').expect(200);
    expect(page.text).not.toMatch(FULL_PROBLEM);
    console.log(
      `after space was freed: ${check.expected} items checked (${check.binaries} binaries), none lost or duplicated`,
    );
  }, 60_000);
});
