import { describe, expect, it } from 'vitest';
import type { AlertDetails, NotificationType } from '../../../src/notifications/alerts.ts';
import { composeAlert, composeTest } from '../../../src/notifications/messages.ts';

const context = {
  companyName: 'Acme <b>"Phones"</b>\r\nBcc: x@evil.example',
  destination: 'Dropbox',
  baseUrl: 'https://archive.example.com',
};
const ALL: AlertDetails[] = [
  { kind: 'reconnect', provider: 'ringcentral' },
  { kind: 'reconnect', provider: 'dropbox' },
  { kind: 'failing', failedRuns: 3, problem: 'The Dropbox account is full.' },
  {
    kind: 'storage',
    used: 1_900 * 1024 ** 2,
    allocated: 2 * 1024 ** 3,
    free: 148 * 1024 ** 2,
    thresholdBytes: 500 * 1024 ** 2,
  },
  {
    kind: 'risk',
    atRisk: 1_200,
    oldestAgeDays: 71,
    projectedLoss: 35,
    firstLossAt: Date.parse('2026-11-28T10:00:00Z'),
    inflowPerDay: 40_000,
    capacityPerDay: 14_400,
    users: 1,
    usersNeeded: 3,
    heavyLimitNeeded: 28,
    windowSeconds: 60,
  },
  { kind: 'throttled', storms: 3, runs: 2, pausedMs: 180_000 },
  { kind: 'users', users: [{ label: 'Ann Lee (ext. 103)', reason: 'RingCentral refused the refresh.' }] },
];
const TYPES: NotificationType[] = ['opened', 'reminder', 'recovered'];

describe('alert e-mails', () => {
  for (const details of ALL)
    for (const type of TYPES)
      it(`${type} ${details.kind}${details.kind === 'reconnect' ? ` (${details.provider})` : ''} says what, why and where to act`, () => {
        const message = composeAlert(
          { type, kind: details.kind, details, openedAt: Date.UTC(2026, 0, 2) },
          context,
        );
        expect(message.subject).not.toMatch(/[\r\n]/);
        expect(message.subject).toContain('Acme');
        if (type === 'reminder') {
          expect(message.subject).toMatch(/^Reminder: /);
          expect(message.text).toContain('2026-01-02 00:00 UTC');
        }
        if (type === 'recovered') expect(message.subject).toMatch(/^Resolved: /);
        expect(message.text).toContain('https://archive.example.com/dashboard');
        expect(message.text).toContain('https://archive.example.com/settings/notifications');
        expect(message.html).toContain('href="https://archive.example.com/dashboard"');
        // The company name is data: escaped in HTML, never markup.
        expect(message.html).not.toContain('<b>"Phones"</b>');
        expect(message.html).toContain('Acme &lt;b&gt;&quot;Phones&quot;&lt;/b&gt;');
      });

  it('gives the figures an admin needs', () => {
    const [, , failing, storage, risk] = ALL;
    const at = (details: AlertDetails) =>
      composeAlert({ type: 'opened', kind: details.kind, details, openedAt: 0 }, context);
    expect(at(failing!).text).toContain('The latest run reported: The Dropbox account is full.');
    expect(at(storage!).subject).toContain('148 MB left');
    expect(at(storage!).text).toContain('148 MB free of 2.0 GB');
    expect(at(risk!).text).toContain('RingCentral will delete 35 recordings in the next week');
    expect(at(risk!).text).toContain('Sat, 28 Nov 2026 10:00:00 GMT');
    expect(at(risk!).text).toContain('about 40,000 recordings a day');
    expect(at(risk!).text).toContain('add 2 more RingCentral users on the settings page (3 in all');
    expect(at(risk!).text).toContain("raise the app's Heavy limit to 28 requests per 60 s");
    expect(at(ALL[0]!).subject).toMatch(/reconnect RingCentral/);
    const throttled = at(ALL[5]!);
    expect(throttled.subject).toContain('RingCentral is limiting Acme');
    expect(throttled.text).toContain('answered 3 times with its account-level limit');
    expect(throttled.text).toContain('about 3 min in all');
    const users = at(ALL[6]!);
    expect(users.subject).toMatch(/^Ann Lee \(ext\. 103\) no longer shares Acme .*'s archive work$/);
    expect(users.text).toContain('Ann Lee (ext. 103) was set aside: RingCentral refused the refresh.');
    expect(users.text).toContain('https://archive.example.com/settings#ringcentral-users');
  });

  it('has a test message', () => {
    const message = composeTest(context);
    expect(message.subject).toMatch(/^Test e-mail/);
    expect(message.text).toContain('alerts for this company reach you');
  });

  it("names the company's own destination: an SFTP company's alerts say SFTP server, never Dropbox", () => {
    const sftp = { ...context, destination: 'SFTP server' };
    const [, , failing, storage, risk] = ALL;
    const storageAlert = composeAlert(
      { type: 'opened', kind: 'storage', details: storage!, openedAt: 0 },
      sftp,
    );
    expect(storageAlert.subject).toMatch(/^SFTP server is nearly full — 148 MB left/);
    expect(storageAlert.text).toContain('free up space in SFTP server');
    const resolved = composeAlert(
      { type: 'recovered', kind: 'storage', details: storage!, openedAt: 0 },
      sftp,
    );
    expect(resolved.subject).toContain('SFTP server has enough free space again');
    const reconnect = composeAlert(
      { type: 'opened', kind: 'reconnect', details: { kind: 'reconnect', provider: 'sftp' }, openedAt: 0 },
      sftp,
    );
    expect(reconnect.subject).toContain('reconnect SFTP server');
    expect(reconnect.text).toContain('Files already in SFTP server are safe');
    for (const details of [failing!, risk!, { kind: 'reconnect', provider: 'ringcentral' } as const]) {
      const message = composeAlert({ type: 'opened', kind: details.kind, details, openedAt: 0 }, sftp);
      expect(message.text.replace('The Dropbox account is full.', '')).not.toContain('Dropbox');
    }
    expect(composeTest(sftp).text).toContain('when SFTP server is nearly full');
    expect(composeTest({ ...context, destination: null }).text).toContain(
      'when the archive destination is nearly full',
    );
  });
});
