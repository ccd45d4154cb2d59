import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/store/types.ts';
import { checkArchive, expectComplete } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * A Dropbox Business team over its monthly data transport cap: every upload call answers 403
 * `invalid_account_type/feature`. The run stops at once instead of retrying (each retry would be
 * one more refused upload call), the company's admins get one e-mail saying backups are paused and
 * why, later runs stay paused, and when Dropbox accepts uploads again the archive catches up whole.
 */

const DROPBOX = 'capped-archive@example.com';
const RECIPIENT = 'ops@capped.example';

describe('Dropbox data transport cap (403)', () => {
  let stack: TestStack;
  let inbox: SmtpInbox;
  let tenantId: string;

  const latestRun = async (): Promise<Run> =>
    (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
  const uploadCalls = async () =>
    Object.entries((await stack.dbx.stats(DROPBOX)).accounts[0]!.calls)
      .filter(([route]) => /upload/.test(route))
      .reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    stack = await startStack({
      env: { SMTP_URL: inbox.url, MAIL_FROM: 'Call Archive <alerts@archiver.test>' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 500 },
        accounts: [{ seed: 15, extensions: 3, days: 2 }],
      },
    });
    const account = stack.rc.accounts()[0]!;
    tenantId = account.accountId;
    const admin = new BrowserFlow(stack);
    expect((await admin.signInWithRingCentral(account.adminLogin)).status).toBe(303);
    expect((await admin.connectDropbox(DROPBOX)).status).toBe(303);
    const _csrf = await admin.csrfToken('/settings/notifications');
    await admin.agent
      .post('/settings/notifications')
      .type('form')
      .send({ _csrf, action: 'add', email: RECIPIENT })
      .expect(303);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await inbox?.close();
  });

  it('pauses the company with one alert instead of retrying', async () => {
    await stack.dbx.setFaults({ dataTransportCapped: [DROPBOX] });
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'failed', moreWork: false });
    const run = await latestRun();
    expect(run.stats.stopped).toBe('capped');
    expect(run.stats.problem).toMatch(/monthly allowance of upload calls/);
    // No call was sent twice: only the puts already under way when the first 403 came back.
    const destination = run.stats.destination as Record<string, number>;
    expect(destination.retries).toBe(0);
    const refused = await uploadCalls();
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBe(destination.startCalls);
    // Nothing is given up: no item is marked failed or waiting, the next run starts from the same place.
    expect((await stack.services.store.listOutstanding(tenantId, { limit: 100 })).items).toEqual([]);
    expect((await stack.services.store.getTenant(tenantId))?.status).toBe('active');
    expect(inbox.messages.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Backups for .* are paused: Dropbox refuses more uploads this month$/),
    ]);
    expect(inbox.messages[0]!.to).toEqual([RECIPIENT]);
    expect(inbox.messages[0]!.text).toContain('used all of its data transport calls for the month');

    // The next run stops at its first refusal again, and the open alert is not sent twice.
    await runArchive(stack, tenantId);
    expect((await latestRun()).stats.stopped).toBe('capped');
    expect(inbox.messages).toHaveLength(1);
  });

  it('resumes when Dropbox accepts uploads again, archives everything once and says so', async () => {
    await stack.dbx.setFaults({ dataTransportCapped: [] });
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    const check = expectComplete(await checkArchive(stack, tenantId, DROPBOX));
    expect(inbox.messages.map((m) => m.subject).slice(1)).toEqual([
      expect.stringMatching(/Dropbox accepts .* uploads again/),
    ]);
    console.log(
      `data transport cap: 2 runs paused at their first refusals (no retries), one alert; after: ` +
        `${check.expected} items checked, none lost or duplicated`,
    );
  });
});
