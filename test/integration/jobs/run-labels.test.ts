import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../../src/jobs/worker.ts';
import { archiveWork, startWorkerProcess } from '../../../src/runtime/worker.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * A run is labelled for what started it: the run a company gets as soon as it has connected both
 * sides is its "first run" (not "manual"), "Back up now" is what the admin pressed, the run
 * after a reconnect says so, and the dashboard says which is which.
 */
describe('what each run is called', () => {
  let stack: TestStack;
  let worker: Worker;
  let tenantId: string;
  let browser: BrowserFlow;

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000', JOB_POLL_SECONDS: '0.5' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 200, Medium: 400, Light: 500, Auth: 100 },
        accounts: [{ seed: 51, extensions: 2, days: 1 }],
      },
    });
    worker = await startWorkerProcess(stack.services, archiveWork(stack.services));
    ({ tenantId, browser } = await onboardTenant(stack, { email: 'labels@example.com' }));
  }, 60_000);

  afterAll(async () => {
    await worker?.shutdown(5_000);
    await stack?.close();
  });

  const finishedTriggers = async () =>
    (await stack.services.store.listRuns(tenantId, { limit: 10 })).items
      .filter((r) => r.finishedAt)
      .map((r) => r.trigger);
  /** The trigger column of the dashboard's run table, newest first. */
  const shownTriggers = async () => {
    const page = await browser.agent.get('/dashboard').expect(200);
    return [...page.text.matchAll(/<tr><td><a href="\/runs\/[^"]+">[^<]*<\/a><\/td><td>([^<]*)<\/td>/g)].map(
      (m) => m[1],
    );
  };

  it('calls the run that starts once both connections are made the first run', async () => {
    await expect.poll(finishedTriggers, { timeout: 30_000, interval: 250 }).toEqual(['first']);
    expect(await shownTriggers()).toEqual(['first run']);
  });

  it('calls a run asked for with "Back up now" what the admin pressed', async () => {
    const token = await browser.csrfToken('/dashboard');
    await browser.agent.post('/dashboard/run-now').type('form').send({ _csrf: token }).expect(303);
    await expect.poll(finishedTriggers, { timeout: 30_000, interval: 250 }).toEqual(['manual', 'first']);
    expect(await shownTriggers()).toEqual(['Back up now', 'first run']);
  });

  it('calls the run after Dropbox is connected again the run after reconnecting', async () => {
    const token = await browser.csrfToken('/dashboard');
    await browser.agent.post('/connect/dropbox/disconnect').type('form').send({ _csrf: token }).expect(303);
    expect((await stack.services.store.getTenant(tenantId))?.status).not.toBe('active');
    expect((await browser.connectDropbox('labels@example.com')).status).toBe(303);
    await expect
      .poll(finishedTriggers, { timeout: 30_000, interval: 250 })
      .toEqual(['reconnect', 'manual', 'first']);
    expect(await shownTriggers()).toEqual(['after reconnecting', 'Back up now', 'first run']);
  });
});
