/**
 * More RingCentral users share a company's work, added on the settings page through the same
 * OAuth sign-in: a user of another account, one without the role for the company call log and
 * recordings, or one connected already is refused with nothing stored; users who are added are
 * listed with their status and use, and share a run's downloads; one whose grant is revoked in
 * the middle of a run is set aside (the run goes on with the others) and the admins get an e-mail;
 * removing one revokes its sign-in at RingCentral.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userConnectionKey, type RingCentralTokens } from '../../../src/connections/index.ts';
import { runArchive } from '../../support/archive-run.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { TEST_CREDENTIALS } from '../../support/config.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const RECORDINGS = 150;

let stack: TestStack;
let inbox: SmtpInbox;
let admin: BrowserFlow;
let tenantId: string;
let otherAccountId: string;
/** Extensions of the company: [number, id] of users with the admin role, and one without. */
let withRole: Array<{ number: string; id: string }>;
let withoutRole: { number: string; id: string };

const login = (ext: { number: string }) => `${tenantId}:${ext.number}`;
const connectionKeys = async () =>
  (await stack.services.store.listConnections({ tenantId })).map((c) => c.provider).sort();

async function tokensOf(extensionId: string): Promise<RingCentralTokens> {
  const key = userConnectionKey(extensionId);
  const conn = (await stack.services.store.getConnection(tenantId, key))!;
  return stack.services.connections.vault.open<RingCentralTokens>(tenantId, key, conn.tokenCiphertext);
}

async function revokeAtRingCentral(token: string): Promise<void> {
  const basic = Buffer.from(
    `${TEST_CREDENTIALS.RINGCENTRAL_CLIENT_ID}:${TEST_CREDENTIALS.RINGCENTRAL_CLIENT_SECRET}`,
  ).toString('base64');
  const res = await fetch(`${stack.rc.url}/restapi/oauth/revoke`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}` },
    body: new URLSearchParams({ token }),
  });
  expect(res.status).toBe(200);
}

const callLogAnswer = async (accessToken: string) =>
  (
    await fetch(`${stack.rc.url}/restapi/v1.0/account/~/extension/~`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    })
  ).status;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  stack = await startStack({
    env: { SMTP_URL: inbox.url, MAIL_FROM: 'Call Archive <alerts@archiver.test>' },
    rc: {
      rateLimitWindowSeconds: 1,
      accounts: [
        {
          seed: 23,
          extensions: 10,
          days: 1,
          nonAdminShare: 0.5,
          callsPerExtensionPerDay: 0,
          messagesPerExtensionPerDay: 0,
          extraRecordings: Array.from({ length: RECORDINGS }, () => 2_000),
        },
        { seed: 24, extensions: 2, days: 1 },
      ],
    },
  });
  const [company, other] = stack.rc.accounts();
  tenantId = company!.accountId;
  otherAccountId = other!.accountId;
  const users = (await stack.rc.inventory(tenantId, { sha256: false })).extensions.filter(
    (e) => e.type === 'User' && e.extensionNumber !== '101',
  );
  withRole = users.filter((e) => e.admin).map((e) => ({ number: e.extensionNumber, id: e.id }));
  withoutRole = users.filter((e) => !e.admin).map((e) => ({ number: e.extensionNumber, id: e.id }))[0]!;
  expect(withRole.length).toBeGreaterThanOrEqual(2);
  expect(withoutRole).toBeDefined();
  ({ browser: admin } = await onboardTenant(stack, { email: 'users-archive@example.com' }));
});

afterAll(async () => {
  await stack?.close();
  await inbox?.close();
});

describe('adding RingCentral users on the settings page', () => {
  it('offers "Add a RingCentral user" on the settings page, through the OAuth flow with PKCE and state', async () => {
    const page = await admin.agent.get('/settings').expect(200);
    expect(page.text).toContain('Add a RingCentral user');
    expect(page.text).toContain('own RingCentral connection is used.');
    const authorize = await admin.start('/connect/ringcentral?purpose=add-user');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    // The state is single-use: the same callback twice is refused the second time.
    const callback = await admin.consent(authorize, { login: login(withRole[0]!), decision: 'allow' });
    expect((await admin.callback(callback)).status).toBe(303);
    const again = await admin.callback(callback);
    expect(again.status).toBe(400);
    expect(await connectionKeys()).toEqual(['dropbox', 'ringcentral', userConnectionKey(withRole[0]!.id)]);
  });

  it('refuses a user of another RingCentral account, and stores nothing', async () => {
    const before = await connectionKeys();
    const res = await admin.addRingCentralUser(`${otherAccountId}:101`);
    expect(res.status).toBe(403);
    expect(res.text).toContain('belongs to another RingCentral account');
    expect(res.text).toContain('Nothing was stored');
    expect(await connectionKeys()).toEqual(before);
    expect(
      (await stack.services.store.listAudit(tenantId, { actions: ['ringcentral.user-added'] })).length,
    ).toBe(1);
  });

  it('refuses a user without the role for the company call log and recordings, naming it', async () => {
    const before = await connectionKeys();
    const res = await admin.addRingCentralUser(login(withoutRole));
    expect(res.status).toBe(403);
    expect(res.text).toContain('FullCompanyCallLog');
    expect(res.text).toContain('Full Company Call Log and Read Call Recording');
    expect(res.text).toContain('Super Admin');
    expect(await connectionKeys()).toEqual(before);
  });

  it('refuses a user who is connected already, the company connection included', async () => {
    const before = await connectionKeys();
    for (const who of [login(withRole[0]!), `${tenantId}:101`]) {
      const res = await admin.addRingCentralUser(who);
      expect(res.status).toBe(409);
      expect(res.text).toContain('is connected already');
    }
    expect(await connectionKeys()).toEqual(before);
  });

  it('lists each user with status, last use and requests in the last hour', async () => {
    expect((await admin.addRingCentralUser(login(withRole[1]!))).status).toBe(303);
    const page = await admin.agent.get('/settings').expect(200);
    const rows = page.text.split('data-testid="ringcentral-user"').slice(1);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toContain('Sharing the work');
      expect(row).toContain('not yet');
    }
    expect(page.text).toContain('now shares the archive’s work');
  });
});

describe('a run with three connected users', () => {
  it('goes on with two when one is revoked mid-run, and the admins get an e-mail', async () => {
    const third = withRole[1]!;
    const thirdTokens = await tokensOf(third.id);
    stack.rc.advanceClock(5_000);
    stack.rc.setFaults({ logRequests: 5_000 });
    const heavyOf = (extensionId: string) =>
      stack.rc
        .requestLog(tenantId)
        .filter(
          (r) => r.group === 'Heavy' && String(r.extensionId) === extensionId && r.outcome === 'counted',
        ).length;
    const running = runArchive(stack, tenantId);
    // Mid-run: once the third user has downloaded a few recordings, its sign-in is revoked.
    const deadline = Date.now() + 20_000;
    while (heavyOf(third.id) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(heavyOf(third.id)).toBeGreaterThanOrEqual(3);
    const revokedAt = stack.rc.now();
    await revokeAtRingCentral(thirdTokens.refresh_token!);
    const outcome = await running;
    expect(outcome.outcome).toBe('finished');

    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.status).toBe('succeeded');
    const users = run.stats.users as Array<{ id: string; setAside: string | null; calls: { Heavy: number } }>;
    expect(users.map((u) => u.id).sort()).toEqual(['', withRole[0]!.id, third.id].sort());
    expect(users.find((u) => u.id === third.id)!.setAside).toBeTruthy();
    expect(users.filter((u) => u.setAside === null)).toHaveLength(2);
    for (const u of users) expect(u.calls.Heavy).toBeGreaterThan(0);
    // Everything was archived all the same.
    expect((await stack.services.store.ledgerTotals(tenantId)).recording?.count).toBe(RECORDINGS);
    // The two others went on downloading after the revocation.
    const after = stack.rc.requestLog(tenantId).filter((r) => r.group === 'Heavy' && r.at > revokedAt + 500);
    expect(new Set(after.map((r) => String(r.extensionId))).size).toBe(2);

    const mail = await inbox.waitFor(1);
    const alert = mail.find((m) => m.subject.includes('no longer shares'));
    expect(alert?.subject).toContain(`${await labelOf(third.id)} no longer shares`);
    expect(alert?.text).toContain('Backups go on with the other connected RingCentral users');
    expect(alert?.text).not.toContain(thirdTokens.refresh_token!);

    const page = await admin.agent.get('/settings').expect(200);
    expect(page.text).toContain('Set aside');
    // The next run leaves the set-aside user out.
    await runArchive(stack, tenantId);
    const next = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect((next.stats.users as Array<{ id: string }>).map((u) => u.id)).not.toContain(third.id);
  });

  it('removes a user: its sign-in ends at RingCentral and its tokens are forgotten', async () => {
    const second = withRole[0]!;
    const tokens = await tokensOf(second.id);
    expect(await callLogAnswer(tokens.access_token!)).toBe(200);
    const csrf = await admin.csrfToken('/settings');
    await admin.agent
      .post(`/settings/ringcentral-users/${second.id}/remove`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(await connectionKeys()).not.toContain(userConnectionKey(second.id));
    expect(await callLogAnswer(tokens.access_token!)).toBe(401);
  });
});

async function labelOf(extensionId: string): Promise<string> {
  const ext = (await stack.rc.inventory(tenantId, { sha256: false })).extensions.find(
    (e) => e.id === extensionId,
  )!;
  return `${ext.name} (ext. ${ext.extensionNumber})`;
}
