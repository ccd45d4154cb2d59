import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateGroup } from '../../src/sandbox/ringcentral/index.ts';
import { checkArchive, expectComplete } from '../support/archive-check.ts';
import { archiveChild, finishes } from '../support/archive-child-run.ts';
import { onboardTenant } from '../support/onboard.ts';
import { startStack, type TestStack } from '../support/stack.ts';

/**
 * Fault suite, case 4: RingCentral answering slowly, with 429 storms carrying Retry-After, a burst
 * of 5xx, random 5xx throughout, and media bodies cut off before their Content-Length (plus two
 * uploads damaged on the way into Dropbox). A real archiving process must retry within its budget,
 * wait out every Retry-After, and never commit a damaged file; what a cut body could not deliver is
 * retried on a later run and then archived.
 */

const EMAIL = 'archive@faults.example';
const STORMS: Array<{ group: RateGroup; count: number; retryAfterSeconds: number }> = [
  { group: 'Medium', count: 1, retryAfterSeconds: 5 },
  { group: 'Heavy', count: 2, retryAfterSeconds: 6 },
];
const TRUNCATED = 4;
/** The first retry of an item that failed (src/archive/outcomes.ts) is due 5 minutes later. */
const RETRY_DUE_MS = 5 * 60_000 + 30_000;

/** When each request of a group reached the simulator, sampled from its counters. */
class Arrivals {
  readonly times: Record<string, number[]> = {};
  private readonly seen: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;

  start(read: () => Record<string, number>): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const [group, count] of Object.entries(read())) {
        const list = (this.times[group] ??= []);
        for (let i = this.seen[group] ?? 0; i < count; i += 1) list.push(now);
        this.seen[group] = count;
      }
    }, 5);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

describe('fault suite 4: RingCentral 429 storms, 5xx bursts, slow answers and truncated bodies', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 10, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 404,
            extensions: 4,
            days: 3,
            callsPerExtensionPerDay: 4,
            recordedShare: 0.5,
            messagesPerExtensionPerDay: 1,
            recordingSizeRange: [20_000, 80_000],
            voicemailSizeRange: [5_000, 20_000],
            lateRecordingShare: 0,
          },
        ],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: EMAIL }));
  }, 60_000);
  afterAll(async () => stack?.close());

  it('retries within its budget, honours Retry-After, and commits no damaged bytes', async () => {
    stack.rc.resetStats();
    stack.rc.setFaults({
      faultSeed: 4,
      latencyMs: 150,
      errorRate: 0.1,
      errorStatus: 503,
      rateLimitStorm: STORMS,
      truncateBodies: { count: TRUNCATED },
    });
    await stack.dbx.setFaults({ corruptUploads: 2 });
    const requests = new Arrivals();
    const refusals = new Arrivals();
    requests.start(() => stack.rc.stats(tenantId).requests);
    refusals.start(() => stack.rc.stats(tenantId).rateLimited);

    const child = archiveChild(stack, tenantId);
    // Once recordings flow, every RingCentral request fails for 3 s.
    await expect
      .poll(() => stack.rc.stats(tenantId).mediaBytes, { timeout: 60_000, interval: 20 })
      .toBeGreaterThan(0);
    stack.rc.setFaults({ errorRate: 1 });
    await new Promise((r) => setTimeout(r, 3_000));
    stack.rc.setFaults({ errorRate: 0.1 });
    await finishes(child);
    requests.stop();
    refusals.stop();

    // Every 429 was waited out: the group's next request came no sooner than its Retry-After.
    for (const storm of STORMS) {
      const arrivals = requests.times[storm.group]!;
      expect(refusals.times[storm.group]).toHaveLength(storm.count);
      for (let i = 0; i < storm.count; i += 1)
        expect(arrivals[i + 1]! - arrivals[i]!).toBeGreaterThanOrEqual(storm.retryAfterSeconds * 1000 - 50);
    }
    const sim = stack.rc.stats(tenantId);
    expect(sim.injectedErrors).toBeGreaterThan(5);
    expect(stack.rc.faults().truncateBodies.remainingCount).toBe(0);

    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.status).toBe('partial');
    expect(run.stats.rateLimited).toBe(STORMS.reduce((n, s) => n + s.count, 0));
    expect(run.stats.retries as number).toBeGreaterThanOrEqual(sim.injectedErrors);
    expect((run.stats.destination as Record<string, number>).retries).toBeGreaterThanOrEqual(2);

    // The cut bodies are waiting for a later attempt; nothing else is missing, nothing is damaged.
    const outstanding = (await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items;
    expect(outstanding).toHaveLength(TRUNCATED);
    for (const item of outstanding) {
      expect(item.status).toBe('pending');
      // Cut at half its Content-Length, and failed as soon as the connection closed: Node's fetch
      // fails the body at once and drops what it had buffered, so at most half (give or take a byte) arrived.
      const cut =
        /(?:ended early|closed early|connection failed \(terminated\)) after (\d+) of (\d+) bytes/.exec(
          item.lastError ?? '',
        );
      expect(cut, item.lastError ?? '').not.toBeNull();
      expect(2 * Number(cut![1])).toBeLessThanOrEqual(Number(cut![2]) + 2);
    }
    const check = await checkArchive(stack, tenantId, EMAIL);
    expect(check.missing.sort()).toEqual(
      outstanding.map((o) => `${o.kind}|${o.sourceId}|${o.attachmentId}`).sort(),
    );
    expect({ mismatched: check.mismatched, unexpected: check.unexpected, copies: check.copies }).toEqual({
      mismatched: [],
      unexpected: [],
      copies: [],
    });
    console.log(
      `RingCentral faults: ${sim.injectedErrors} injected 5xx (a 3 s burst and 10 % throughout), ` +
        `${run.stats.retries as number} retries, ${STORMS.length} storms whose Retry-After was waited out, ` +
        `${TRUNCATED} bodies cut short and 2 uploads damaged: ${check.expected - check.missing.length} of ` +
        `${check.expected} items archived intact, the ${TRUNCATED} cut ones pending, nothing damaged committed`,
    );
  });

  it('archives the items whose bodies were cut on the run after their retry is due', async () => {
    stack.rc.advanceClock(RETRY_DUE_MS);
    await finishes(archiveChild(stack, tenantId, { CLOCK_OFFSET_MS: String(RETRY_DUE_MS) }));
    expect((await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items).toEqual([]);
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.status).toBe('succeeded');
    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `after the retry: ${check.expected} items checked (${check.binaries} binaries), none lost or duplicated, ` +
        'every binary with the sha256 RingCentral has',
    );
  });
});
