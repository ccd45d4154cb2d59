import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifierFromConfig } from '../../../src/notifications/index.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const DROPBOX = 'delivery@example.com';
const MB = 1024 * 1024;

/**
 * A mail server that refuses for a while costs no backup and loses no alert; processes checking
 * the same company at the same moment send its e-mail once.
 */
describe('alert delivery', () => {
  let stack: TestStack;
  let inbox: SmtpInbox;
  let tenantId: string;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    stack = await startStack({
      clockFromRc: true,
      env: { SMTP_URL: inbox.url, MAIL_FROM: 'alerts@archiver.test' },
      rc: { rateLimitWindowSeconds: 1, accounts: [{ seed: 5, extensions: 2, days: 1 }] },
    });
    tenantId = stack.rc.accounts()[0]!.accountId;
    const admin = new BrowserFlow(stack);
    await admin.signInWithRingCentral(stack.rc.accounts()[0]!.adminLogin);
    await admin.connectDropbox(DROPBOX);
    const _csrf = await admin.csrfToken('/settings/notifications');
    await admin.agent
      .post('/settings/notifications')
      .type('form')
      .send({ _csrf, action: 'add', email: 'ops@delivery.example' })
      .expect(303);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await inbox?.close();
  });

  it('finishes the run, then sends the alert at the next check once the server accepts again', async () => {
    await stack.dbx.setQuota(DROPBOX, 50 * MB);
    inbox.refusing = true;
    expect(await runArchive(stack, tenantId)).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    expect(inbox.messages).toEqual([]);
    expect(await stack.services.notifier.openAlerts(tenantId)).toMatchObject({
      storage: { notified: false, lastSentAt: null },
    });

    inbox.refusing = false;
    await stack.services.notifier.sweep();
    expect(inbox.messages.map((m) => m.subject)).toEqual([expect.stringMatching(/^Dropbox is nearly full/)]);
    await stack.services.notifier.sweep();
    expect(await runArchive(stack, tenantId)).toMatchObject({ status: 'succeeded' });
    expect(inbox.messages).toHaveLength(1);
  });

  it('sends a reminder once when several processes check at the same moment', async () => {
    const peer = notifierFromConfig(stack.services.config, stack.services);
    stack.rc.advanceClock(25 * 3_600_000);
    const { notifier } = stack.services;
    await Promise.all([notifier.sweep(), peer.sweep(), notifier.sweep(), peer.sweep()]);
    expect(inbox.messages.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Dropbox is nearly full/),
      expect.stringMatching(/^Reminder: Dropbox is nearly full/),
    ]);
    peer.close();
  });
});
