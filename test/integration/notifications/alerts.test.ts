import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxTokens } from '../../../src/connections/index.ts';
import type { RingCentralTokens } from '../../../src/connections/index.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const DROPBOX = 'alerts-archive@example.com';
const RECIPIENTS = ['ops@acme.example', 'it-lead@acme.example', 'owner@acme.example'];
const MB = 1024 * 1024;
const HOUR = 3_600_000;

/**
 * Real situations driven through the product — Dropbox filling up, runs failing on a full Dropbox,
 * space freed, a revoked RingCentral grant, a day without a reconnect, the reconnect — each
 * e-mailed once to every recipient at a local SMTP server, and no message carrying a secret.
 */
describe('alert e-mails', () => {
  let stack: TestStack;
  let inbox: SmtpInbox;
  let admin: BrowserFlow;
  let tenantId: string;
  let login: string;
  const secrets = new Set<string>();

  /** What arrived since the last call (runs and sweeps send before they return). */
  let seen = 0;
  const newMail = (): ReceivedMail[] => {
    const fresh = inbox.messages.slice(seen);
    seen = inbox.messages.length;
    return fresh;
  };
  const subjects = (mail: ReceivedMail[]) => mail.map((m) => m.subject);

  const collectSecrets = async () => {
    const { store, connections } = stack.services;
    const rc = await store.getConnection(tenantId, 'ringcentral');
    if (rc) {
      const t = connections.vault.open<RingCentralTokens>(tenantId, 'ringcentral', rc.tokenCiphertext);
      for (const s of [t.access_token, t.refresh_token]) if (s) secrets.add(s);
    }
    const dbx = await store.getConnection(tenantId, 'dropbox');
    if (dbx) {
      const t = connections.vault.open<DropboxTokens>(tenantId, 'dropbox', dbx.tokenCiphertext);
      for (const s of [t.access_token, t.refresh_token]) if (s) secrets.add(s);
    }
  };

  const run = async (expected: string) => {
    const outcome = await runArchive(stack, tenantId);
    expect(outcome.outcome === 'finished' ? outcome.status : outcome.outcome).toBe(expected);
    await collectSecrets();
  };

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    stack = await startStack({
      clockFromRc: true,
      env: { SMTP_URL: inbox.url, MAIL_FROM: 'Call Archive <alerts@archiver.test>' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 500 },
        accounts: [{ seed: 11, extensions: 3, days: 2 }],
      },
    });
    const account = stack.rc.accounts()[0]!;
    tenantId = account.accountId;
    login = account.adminLogin;
    admin = new BrowserFlow(stack);
    expect((await admin.signInWithRingCentral(login)).status).toBe(303);
    expect((await admin.connectDropbox(DROPBOX)).status).toBe(303);
    for (const email of RECIPIENTS) {
      const _csrf = await admin.csrfToken('/settings/notifications');
      await admin.agent
        .post('/settings/notifications')
        .type('form')
        .send({ _csrf, action: 'add', email })
        .expect(303);
    }
    const c = stack.services.config;
    for (const s of [c.RINGCENTRAL_CLIENT_SECRET, c.DROPBOX_APP_SECRET, c.SESSION_SECRET]) secrets.add(s);
    for (const k of c.TOKEN_KEYS) secrets.add(k.key.toString('base64'));
    await collectSecrets();
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await inbox?.close();
  });

  it('sends nothing while backups are healthy', async () => {
    await run('succeeded');
    await run('succeeded');
    expect(newMail()).toEqual([]);
  });

  it('warns once that Dropbox is nearly full', async () => {
    const { used } = (await stack.dbx.setQuota(DROPBOX, 2 * 1024 * MB)) as { used: number };
    await stack.dbx.setQuota(DROPBOX, used + 100 * MB);
    await run('succeeded');
    const [mail, ...more] = newMail();
    expect(more).toEqual([]);
    expect(mail!.subject).toMatch(/^Dropbox is nearly full — 100 MB left for /);
    expect(mail!.text).toContain('we warn below 500 MB');
    expect(mail!.to.sort()).toEqual([...RECIPIENTS].sort());
    await run('succeeded');
    expect(newMail()).toEqual([]);
  });

  it('reports runs failing three times in a row (here: Dropbox full), once', async () => {
    const { used } = (await stack.dbx.setQuota(DROPBOX, 2 * 1024 * MB)) as { used: number };
    await stack.dbx.setQuota(DROPBOX, used);
    await run('failed');
    await run('failed');
    expect(newMail()).toEqual([]); // the storage alert is already open: no second e-mail
    await run('failed');
    const [mail, ...more] = newMail();
    expect(more).toEqual([]);
    expect(mail!.subject).toMatch(/have failed 3 times in a row$/);
    expect(mail!.text).toContain('The latest run reported: Dropbox is full.');
    expect(mail!.to.sort()).toEqual([...RECIPIENTS].sort());
    await run('failed');
    expect(newMail()).toEqual([]);
  });

  it('says when both are resolved, once each', async () => {
    await stack.dbx.setQuota(DROPBOX, 2 * 1024 * MB);
    await run('succeeded');
    const mail = newMail();
    expect(subjects(mail)).toEqual([
      expect.stringMatching(/^Resolved: backups for .* are working again$/),
      expect.stringMatching(/^Resolved: Dropbox has enough free space again/),
    ]);
    for (const m of mail) expect(m.to.sort()).toEqual([...RECIPIENTS].sort());
    await run('succeeded');
    expect(newMail()).toEqual([]);
  });

  it('asks every recipient to reconnect a revoked RingCentral grant, reminding at most once a day', async () => {
    stack.rc.setFaults({ revokeTokens: tenantId });
    await run('failed');
    expect((await stack.services.store.getTenant(tenantId))!.status).toBe('needs_reconnect');
    const [mail, ...more] = newMail();
    expect(more).toEqual([]);
    expect(mail!.subject).toMatch(/^Action needed: reconnect RingCentral — backups for .* are stopped$/);
    expect(mail!.to.sort()).toEqual([...RECIPIENTS].sort());
    expect(mail!.text).toContain('Reconnect RingCentral: http://archiver.test/dashboard');
    expect(mail!.html).toContain('href="http://archiver.test/dashboard"');

    expect(await runArchive(stack, tenantId)).toMatchObject({ outcome: 'skipped' });
    await stack.services.notifier.sweep();
    expect(newMail()).toEqual([]);

    stack.rc.advanceClock(25 * HOUR);
    await stack.services.notifier.sweep();
    await stack.services.notifier.sweep();
    expect(subjects(newMail())).toEqual([
      expect.stringMatching(/^Reminder: Action needed: reconnect RingCentral/),
    ]);
  });

  it('says when RingCentral is reconnected, once', async () => {
    expect((await admin.signInWithRingCentral(login)).status).toBe(303);
    expect((await stack.services.store.getTenant(tenantId))!.status).toBe('active');
    await collectSecrets();
    await stack.services.notifier.sweep();
    const mail = newMail();
    expect(subjects(mail)).toEqual([expect.stringMatching(/^Resolved: RingCentral is connected again for /)]);
    expect(mail[0]!.to.sort()).toEqual([...RECIPIENTS].sort());
    await run('succeeded');
    await stack.services.notifier.sweep();
    expect(newMail()).toEqual([]);
  });

  it('never puts a token or secret in a message', () => {
    expect(inbox.messages).toHaveLength(7);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    for (const message of inbox.messages) {
      const everything = [message.raw, message.subject, message.text, message.html].join('\n');
      expect(message.text.length).toBeGreaterThan(100);
      for (const secret of secrets) {
        expect(secret.length, 'a secret is suspiciously short').toBeGreaterThanOrEqual(8);
        expect(everything.includes(secret), `a secret appeared in "${message.subject}"`).toBe(false);
      }
    }
  });
});
