import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifierFromConfig } from '../../../src/notifications/index.ts';
import { createApp } from '../../../src/web/app.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const PAGE = '/settings/notifications';

/** The alert recipients page: add and remove with CSRF, refusals that save nothing, one tenant only. */
describe('alert recipients page', () => {
  let stack: TestStack;
  let inbox: SmtpInbox;
  let adminA: BrowserFlow;
  let adminB: BrowserFlow;
  let tenantA: string;
  let tenantB: string;

  const saved = async (tenantId: string) =>
    (await stack.services.store.getTenant(tenantId))!.settings.notificationEmails ?? [];
  const post = async (admin: BrowserFlow, fields: Record<string, string>, path = PAGE) =>
    admin.agent
      .post(path)
      .type('form')
      .send({ _csrf: await admin.csrfToken(PAGE), ...fields });

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    stack = await startStack({
      env: { SMTP_URL: inbox.url, MAIL_FROM: 'Call Archive <alerts@archiver.test>' },
      rc: {
        accounts: [
          { seed: 7, extensions: 2, days: 1 },
          { seed: 8, extensions: 2, days: 1 },
        ],
      },
    });
    const [a, b] = stack.rc.accounts();
    tenantA = a!.accountId;
    tenantB = b!.accountId;
    adminA = new BrowserFlow(stack);
    adminB = new BrowserFlow(stack);
    expect((await adminA.signInWithRingCentral(a!.adminLogin)).status).toBe(303);
    expect((await adminB.signInWithRingCentral(b!.adminLogin)).status).toBe(303);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await inbox?.close();
  });

  it('adds and removes recipients, each change in the audit log, and refuses a form without CSRF', async () => {
    const page = await adminA.agent.get(PAGE).expect(200);
    expect(page.text).toContain('Recipients (0 of 5)');
    expect(page.text).not.toContain('data-testid="email-off"');

    await adminA.agent
      .post(PAGE)
      .type('form')
      .send({ action: 'add', email: 'forged@acme.example' })
      .expect(403);
    expect(await saved(tenantA)).toEqual([]);

    await post(adminA, { action: 'add', email: 'ops@acme.example' }).then((r) => expect(r.status).toBe(303));
    await post(adminA, { action: 'add', email: ' Boss@Acme.example ' }).then((r) =>
      expect(r.status).toBe(303),
    );
    const listed = await adminA.agent.get(PAGE).expect(200);
    expect(listed.text).toContain('Boss@Acme.example now receives alerts.');
    expect(listed.text.match(/data-testid="recipient"/g)).toHaveLength(2);
    expect(await saved(tenantA)).toEqual(['ops@acme.example', 'Boss@Acme.example']);

    const duplicate = await post(adminA, { action: 'add', email: 'boss@acme.example' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('boss@acme.example already receives alerts.');

    await post(adminA, { action: 'remove', email: 'OPS@acme.example' }).then((r) =>
      expect(r.status).toBe(303),
    );
    expect(await saved(tenantA)).toEqual(['Boss@Acme.example']);

    const audit = await stack.services.store.listAudit(tenantA);
    expect(audit.filter((e) => e.action.startsWith('alerts.recipient.')).map((e) => e.action)).toEqual([
      'alerts.recipient.added',
      'alerts.recipient.added',
      'alerts.recipient.removed',
    ]);
  });

  it('refuses an invalid address and a sixth recipient with a clear 400, saving nothing', async () => {
    const before = await saved(tenantA);
    const invalid = await post(adminA, { action: 'add', email: 'not-an-address' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('&quot;not-an-address&quot; is not an e-mail address.');
    expect(invalid.text).toContain('aria-invalid="true"');
    expect(invalid.text).toContain('value="not-an-address"');
    expect(await saved(tenantA)).toEqual(before);

    for (const n of [2, 3, 4, 5])
      await post(adminA, { action: 'add', email: `person${n}@acme.example` }).then((r) =>
        expect(r.status).toBe(303),
      );
    expect(await saved(tenantA)).toHaveLength(5);
    expect((await adminA.agent.get(PAGE)).text).toContain('Remove one to add another.');
    const sixth = await post(adminA, { action: 'add', email: 'sixth@acme.example' });
    expect(sixth.status).toBe(400);
    expect(sixth.text).toContain('Enter at most 5 e-mail addresses (you entered 6).');
    expect(await saved(tenantA)).toHaveLength(5);
    expect(await saved(tenantA)).not.toContain('sixth@acme.example');
  });

  it("shows and changes only the signed-in admin's own company", async () => {
    const listB = await adminB.agent.get(PAGE).expect(200);
    expect(listB.text).not.toContain('Boss@Acme.example');
    const removal = await post(adminB, { action: 'remove', email: 'Boss@Acme.example' });
    expect(removal.status).toBe(400);
    expect(await saved(tenantA)).toContain('Boss@Acme.example');
    await post(adminB, { action: 'add', email: 'it@beta.example' }).then((r) => expect(r.status).toBe(303));
    expect(await saved(tenantB)).toEqual(['it@beta.example']);
    expect(await saved(tenantA)).not.toContain('it@beta.example');
  });

  it('sends a test e-mail to the saved recipients, at most once a minute', async () => {
    inbox.clear();
    const sent = await post(adminA, {}, `${PAGE}/test`);
    expect(sent.status).toBe(303);
    const [mail] = await inbox.waitFor(1);
    expect(mail!.subject).toMatch(/^Test e-mail from Call Archive for /);
    expect(mail!.to.sort()).toEqual(((await saved(tenantA)) as string[]).map((e) => e.toLowerCase()).sort());
    expect(mail!.from).toBe('alerts@archiver.test');
    expect((await adminA.agent.get(PAGE)).text).toContain('Test e-mail sent to 5 recipients.');

    await post(adminA, {}, `${PAGE}/test`).then((r) => expect(r.status).toBe(303));
    expect((await adminA.agent.get(PAGE)).text).toContain('less than a minute ago');
    expect(inbox.messages).toHaveLength(1);
  });

  it('says so when e-mail is off on the server, and sends nothing', async () => {
    const config = { ...stack.services.config, SMTP_URL: undefined, MAIL_FROM: undefined };
    const app = createApp({
      ...stack.services,
      config,
      redis: stack.redis,
      notifier: notifierFromConfig(config, stack.services),
    });
    const admin = new BrowserFlow({ ...stack, app });
    await admin.signInWithRingCentral(stack.rc.accounts()[1]!.adminLogin);
    const page = await admin.agent.get(PAGE).expect(200);
    expect(page.text).toContain('data-testid="email-off"');
    inbox.clear();
    await post(admin, {}, `${PAGE}/test`).then((r) => expect(r.status).toBe(303));
    expect((await admin.agent.get(PAGE)).text).toContain('E-mail is off on this server');
    expect(inbox.messages).toHaveLength(0);
  });

  it('sends anonymous visitors to sign in', async () => {
    const anonymous = new BrowserFlow(stack);
    await anonymous.agent.get(PAGE).expect(303).expect('Location', '/?signin=required');
  });
});
