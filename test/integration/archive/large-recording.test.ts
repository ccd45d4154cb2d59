import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArchive, expectComplete } from '../../support/archive-check.ts';
import { archiveChild, finishes } from '../../support/archive-child-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import type { Spawned } from '../../support/processes.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const MB = 1024 * 1024;

/** Highest resident memory of a running process (Linux VmHWM), sampled until it exits. */
async function peakRss(child: Spawned): Promise<number> {
  let peak = 0;
  const exited = child.exited();
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    try {
      const status = await readFile(`/proc/${child.child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // the process just ended
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return peak;
}

/**
 * A 500 MB recording streams from RingCentral to Dropbox through a worker process whose memory
 * stays flat: its peak is compared with the same worker archiving an account without it.
 */
describe('a 500 MB recording', () => {
  let stack: TestStack;
  let small: string;
  let large: string;

  beforeAll(async () => {
    stack = await startStack({
      clockFromRc: true,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 50, Medium: 200, Light: 200, Auth: 100 },
        accounts: [
          {
            seed: 61,
            extensions: 3,
            days: 1,
            recordingSizeRange: [1_000, 8_000],
            voicemailSizeRange: [1_000, 4_000],
            companyName: 'Small Co',
          },
          {
            seed: 61,
            extensions: 3,
            days: 1,
            recordingSizeRange: [1_000, 8_000],
            voicemailSizeRange: [1_000, 4_000],
            extraRecordings: [500 * MB],
            companyName: 'Large Co',
          },
        ],
      },
      dbx: { defaultQuotaBytes: 4 * 1024 * MB },
    });
    small = (await onboardTenant(stack, { accountIndex: 0, email: 'small@example.com' })).tenantId;
    large = (await onboardTenant(stack, { accountIndex: 1, email: 'large@example.com' })).tenantId;
  }, 120_000);
  afterAll(async () => stack?.close());

  it('is archived by a worker whose memory grows by less than 100 MB', async () => {
    const baselineChild = archiveChild(stack, small);
    const baseline = await peakRss(baselineChild);
    await finishes(baselineChild);

    const largeChild = archiveChild(stack, large);
    const peak = await peakRss(largeChild);
    await finishes(largeChild);

    const inventory = await stack.rc.inventory(large, { sha256: false });
    expect(inventory.callLog.some((c) => c.recording?.size === 500 * MB)).toBe(true);
    const check = expectComplete(await checkArchive(stack, large, 'large@example.com'));
    const growth = peak - baseline;
    console.log(
      `500 MB recording: worker peak RSS ${(peak / MB).toFixed(0)} MB vs ${(baseline / MB).toFixed(0)} MB without it (growth ${(growth / MB).toFixed(0)} MB); ${check.expected} items checked`,
    );
    expect(growth).toBeLessThan(100 * MB);
  }, 300_000);
});
