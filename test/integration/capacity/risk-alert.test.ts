/**
 * The guide's company, scaled down (20 users, 200 recordings a day, a cap of 500) with its days
 * compressed to 10 s and RingCentral's window to 1 s, so one user's Heavy budget (100 a day) covers
 * half the inflow: the first run names the loss and the users needed — on the dashboard's capacity
 * panel and in the "recordings at risk" e-mail — before RingCentral has deleted a single recording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideCompany } from '../../../src/sandbox/ringcentral/seed/guide-company.ts';
import { runArchive } from '../../support/archive-run.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const SCALE = 0.005;
let stack: TestStack;
let inbox: SmtpInbox;
let admin: BrowserFlow;
let tenantId: string;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  stack = await startStack({
    env: {
      SMTP_URL: inbox.url,
      MAIL_FROM: 'Call Archive <alerts@archiver.test>',
      RUN_TIME_BOX_MINUTES: '0.05',
      RINGCENTRAL_RECORDING_CAP: String(100_000 * SCALE),
    },
    rc: {
      rateLimitWindowSeconds: 1,
      accounts: [guideCompany({ seed: 41, scale: SCALE, dayMs: 10_000, recordingSizeRange: [1_000, 2_000] })],
    },
  });
  ({ tenantId, browser: admin } = await onboardTenant(stack, { email: 'guide@example.com' }));
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await inbox?.close();
});

describe('a company that records twice what one user can download', () => {
  it('sends "recordings at risk" with the users needed after the first run, before any recording is lost', async () => {
    await runArchive(stack, tenantId);
    expect(stack.rc.droppedRecordings(tenantId)).toEqual([]);
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    const capacity = run.stats.capacity as {
      projectedLoss: number;
      firstLossAt: number;
      inflowPerDay: number;
      capacityPerDay: number;
      usersNeeded: number;
    };
    expect(capacity.projectedLoss).toBeGreaterThan(0);
    expect(capacity.firstLossAt).toBeGreaterThan(stack.rc.now());
    expect(capacity.inflowPerDay / capacity.capacityPerDay).toBeGreaterThan(1.5);
    expect(capacity.usersNeeded).toBeGreaterThanOrEqual(2);

    const mail = await inbox.waitFor(1);
    const risk = mail.find((m) => m.subject.startsWith('Recordings at risk'));
    expect(risk?.text).toContain(`add ${capacity.usersNeeded - 1} more RingCentral user`);
    // Still nothing lost when the e-mail is read.
    expect(stack.rc.droppedRecordings(tenantId)).toEqual([]);

    const dashboard = await admin.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('data-testid="capacity-panel"');
    expect(dashboard.text).toMatch(/data-testid="capacity-loss" class="bad">[1-9]/);
    expect(dashboard.text).toContain(`(${capacity.usersNeeded} in all)`);
  }, 60_000);
});
