/**
 * A full run keeps the company's push subscription in step before it archives, and that check is
 * the run's work: its requests and 429s are in the run's figures, which must match what
 * RingCentral (the simulator, over HTTP) answered the company during the run, group by group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

describe("a full run's figures with notifications on", () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      listen: true,
      env: { RINGCENTRAL_WEBHOOKS: 'on' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 100 },
        accounts: [{ seed: 5, extensions: 2, days: 1 }],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: 'figures@example.com' }));
  }, 60_000);
  afterAll(async () => stack?.close());

  it("count every request and 429 of the run, the subscription check's included", async () => {
    stack.rc.resetStats();
    // The run's first Medium request is the subscription check's extension list: it meets the 429.
    stack.rc.setFaults({ rateLimitStorm: { group: 'Medium', count: 1, retryAfterSeconds: 1 } });
    await runArchive(stack, tenantId, 'schedule');

    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.stats.push).toMatchObject({ action: 'created', live: true });
    const sim = stack.rc.stats(tenantId);
    expect(sim.rateLimited).toEqual({ Light: 0, Medium: 1, Heavy: 0, Auth: 0 });
    expect({ rateLimited: run.stats.rateLimited, retries: run.stats.retries }).toEqual({
      rateLimited: 1,
      retries: 1,
    });
    expect(run.stats.apiCalls).toEqual(sim.requests);
  });
});
