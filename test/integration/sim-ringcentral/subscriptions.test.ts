/**
 * The simulator's Subscription API and WebHook delivery, through the real SDK: the Validation-Token
 * handshake, `~` expansion, list/get/update/renew/delete, lifetimes, ownership, the 30-per-user
 * limit, disabled filters, notification bodies that validate against the spec's event schemas,
 * the Verification-Token header, retries, blacklisting, the drop fault and `/__sim` listings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  apiError,
  CLIENT,
  getJson,
  newSdk,
  signIn,
  startSim,
  type CallJson,
  type Platform,
} from './helpers.ts';
import { loadSpecValidators, type SpecValidators } from './openapi.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

const CONTROL = {
  clientId: 'control-client',
  clientSecret: 'control-secret',
  redirectUri: 'http://localhost:3000/oauth/control/callback',
};

let sim: RcSim;
let admin: Platform;
let control: Platform;
let receiver: Receiver;
let spec: SpecValidators;
let accountId: string;

interface SubscriptionJson {
  id: string;
  uri: string;
  status: string;
  eventFilters: string[];
  disabledFilters?: Array<{ filter: string; reason: string }>;
  expiresIn: number;
  expirationTime: string;
  creationTime: string;
  blacklistedData?: { reason: string; blacklistedAt: string };
}

beforeAll(async () => {
  spec = loadSpecValidators();
  receiver = await startReceiver();
  sim = await startSim({
    clients: [
      { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] },
      {
        ...CONTROL,
        redirectUris: [CONTROL.redirectUri],
        permissions: ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'ReadMessages', 'CallControl'],
      },
    ],
    accounts: [{ seed: 21, extensions: 12, days: 1 }],
    limits: { Light: 10_000, Medium: 10_000, Heavy: 10_000, Auth: 10_000 },
    // Retries come only when a test moves the clock.
    webhooks: { retryDelaysMs: [60_000, 120_000] },
  });
  accountId = sim.accounts()[0]!.accountId;
  admin = await signIn(sim, '101');
  control = await signIn(sim, '101', newSdk(sim, CONTROL));
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(async () => {
  receiver.received.length = 0;
  receiver.status = 200;
  receiver.handshakeMode = 'echo';
  sim.setFaults({ reset: true });
  for (const platform of [admin, control]) {
    const list = await getJson<{ records: SubscriptionJson[] }>(platform, '/restapi/v1.0/subscription');
    for (const s of list.records) await platform.delete(`/restapi/v1.0/subscription/${s.id}`);
  }
});

async function subscribe(
  platform: Platform,
  eventFilters: string[],
  extra: Record<string, unknown> = {},
): Promise<SubscriptionJson> {
  const res = await platform.post('/restapi/v1.0/subscription', {
    eventFilters,
    deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'secret-1' },
    ...extra,
  });
  return (await res.json()) as SubscriptionJson;
}

function expectValid(schema: string, data: unknown): void {
  expect(spec.validate(schema, data), `${schema}: ${JSON.stringify(data).slice(0, 400)}`).toEqual([]);
}

const mailbox = (ext: string) => `/restapi/v1.0/account/~/extension/${ext}/message-store`;

describe('the Subscription API', () => {
  it('creates after the Validation-Token handshake, expands ~, and lists, reads, updates, renews, deletes', async () => {
    const handshakes = receiver.handshakes;
    const created = await subscribe(admin, [mailbox('~')], { expiresIn: 3600 });
    expect(receiver.handshakes).toBe(handshakes + 1);
    expectValid('SubscriptionInfo', created);
    const owner = sim.accounts()[0]!;
    expect(created.status).toBe('Active');
    expect(created.eventFilters[0]).toMatch(
      new RegExp(`^/restapi/v1.0/account/${owner.accountId}/extension/\\d+/message-store$`),
    );
    expect(created.expiresIn).toBe(3600);

    const list = await getJson<{ records: SubscriptionJson[] }>(admin, '/restapi/v1.0/subscription');
    expectValid('SubscriptionListResource', list);
    expect(list.records.map((s) => s.id)).toEqual([created.id]);
    expect((await getJson<SubscriptionJson>(admin, `/restapi/v1.0/subscription/${created.id}`)).id).toBe(
      created.id,
    );

    // Another app (or user) does not see it.
    expect((await apiError(control.get(`/restapi/v1.0/subscription/${created.id}`))).status).toBe(404);

    sim.advanceClock(1800_000);
    const renewed = (await (
      await admin.post(`/restapi/v1.0/subscription/${created.id}/renew`)
    ).json()) as SubscriptionJson;
    expect(renewed.expiresIn).toBe(3600);
    expect(Math.abs(Date.parse(renewed.expirationTime) - (sim.now() + 3600_000))).toBeLessThan(1000);

    const updated = (await (
      await admin.put(`/restapi/v1.0/subscription/${created.id}`, {
        eventFilters: [mailbox('~'), mailbox('~') + '?type=SMS'],
      })
    ).json()) as SubscriptionJson;
    expect(updated.eventFilters).toHaveLength(2);
    // Without expiresIn an update takes the default lifetime (a week).
    expect(updated.expiresIn).toBe(604_800);

    expect((await admin.delete(`/restapi/v1.0/subscription/${created.id}`)).status).toBe(204);
    expect((await apiError(admin.get(`/restapi/v1.0/subscription/${created.id}`))).body.errorCode).toBe(
      'CMN-102',
    );
  });

  it('refuses an address that fails the handshake and stores nothing', async () => {
    receiver.handshakeMode = 'no-header';
    const refused = await apiError(subscribe(admin, [mailbox('~')]));
    expect(refused.status).toBe(400);
    expect(refused.body.errorCode).toBe('SUB-525');
    receiver.handshakeMode = 'oversize';
    expect((await apiError(subscribe(admin, [mailbox('~')]))).body.errorCode).toBe('SUB-525');
    expect(sim.subscriptions(accountId)).toEqual([]);
  });

  it('rejects unknown filters, other accounts and bad lifetimes', async () => {
    for (const filters of [
      ['/restapi/v1.0/account/~/presence'],
      ['/restapi/v1.0/account/123/extension/1/message-store'],
    ]) {
      const error = await apiError(subscribe(admin, filters));
      expect([error.status, error.body.errorCode]).toEqual([400, 'CMN-101']);
    }
    expect((await apiError(subscribe(admin, [mailbox('~')], { expiresIn: 0 }))).body.errorCode).toBe(
      'CMN-101',
    );
    const capped = await subscribe(admin, [mailbox('~')], { expiresIn: 999_999_999 });
    expect(capped.expiresIn).toBe(315_360_000);
  });

  it('disables filters the app or user may not have: telephony needs CallControl', async () => {
    const telephony = '/restapi/v1.0/account/~/telephony/sessions?statusCode=Disconnected';
    const without = await subscribe(admin, [mailbox('~'), telephony]);
    expect(without.eventFilters).toHaveLength(1);
    expect(without.disabledFilters?.map((d) => d.reason)).toEqual(['InsufficientPermissions']);
    expectValid('SubscriptionInfo', without);
    const withIt = await subscribe(control, [telephony]);
    expect(withIt.eventFilters).toEqual([
      `/restapi/v1.0/account/${accountId}/telephony/sessions?statusCode=Disconnected`,
    ]);
    expect(withIt.disabledFilters).toBeUndefined();
  });

  it('allows 30 subscriptions per user and app (SUB-505 beyond)', async () => {
    for (let i = 0; i < 30; i++) await subscribe(admin, [mailbox('~')]);
    const error = await apiError(subscribe(admin, [mailbox('~')]));
    expect([error.status, error.body.errorCode]).toEqual([400, 'SUB-505']);
    // Another app's quota is its own.
    await subscribe(control, [mailbox('~')]);
  });

  it('forgets a subscription once it has expired', async () => {
    const created = await subscribe(admin, [mailbox('~')], { expiresIn: 60 });
    sim.advanceClock(61_000);
    expect((await apiError(admin.get(`/restapi/v1.0/subscription/${created.id}`))).status).toBe(404);
    expect(sim.subscriptions(accountId)).toEqual([]);
    sim.addActivity({ sms: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toEqual([]);
  });
});

describe('WebHook notifications', () => {
  it('sends message-store events with the Verification-Token, valid against MessageEvent', async () => {
    const sub = await subscribe(admin, [mailbox('~'), mailbox('~') + '?type=VoiceMail']);
    const added = sim.addActivity({ extensionNumber: '101', sms: 2 });
    const [got] = await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    // The VoiceMail-only filter stays silent for SMS.
    expect(receiver.received).toHaveLength(1);
    expect(got!.headers['verification-token']).toBe('secret-1');
    expect(got!.headers['content-type']).toMatch(/^application\/json/);
    expectValid('MessageEvent', got!.body);
    expect(got!.body).toMatchObject({ subscriptionId: sub.id, event: sub.eventFilters[0] });
    const body = got!.body.body as {
      extensionId: string;
      changes: Array<{ type: string; newCount: number; newMessageIds: number[] }>;
    };
    expect(body.extensionId).toBe(added.extensionId);
    expect(body.changes).toEqual([
      { type: 'SMS', newCount: 2, newMessageIds: added.messages.map((m) => Number(m.id)) },
    ]);

    // A deletion is an update of the mailbox.
    sim.deleteItem({ kind: 'message', id: added.messages[0]!.id });
    const [, update] = await receiver.waitFor(2);
    expect((update!.body.body as { changes: unknown[] }).changes).toEqual([{ type: 'SMS', updatedCount: 1 }]);
  });

  it('sends account telephony-session events when a call ends, with its recording id', async () => {
    await subscribe(control, ['/restapi/v1.0/account/~/telephony/sessions?withRecordings=true']);
    const added = sim.addActivity({
      extensionNumber: '101',
      calls: 1,
      recordedCalls: 1,
      lateRecordingDelaySeconds: 120,
    });
    const [got] = await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(1); // the unrecorded call is filtered out
    expectValid('AccountTelephonySessionsEvent', got!.body);
    const recorded = added.calls.find((c) => c.recordingId)!;
    const call = await getJson<CallJson>(control, `/restapi/v1.0/account/~/call-log/${recorded.id}`);
    const body = got!.body.body as {
      telephonySessionId: string;
      parties: Array<{ status: { code: string }; recordings: Array<{ id: string }> }>;
    };
    expect(body.telephonySessionId).toBe(
      (call as unknown as { telephonySessionId: string }).telephonySessionId,
    );
    expect(body.parties[0]!.status.code).toBe('Disconnected');
    expect(body.parties[0]!.recordings[0]!.id).toBe(recorded.recordingId);
    // The recording attaches later: the call log does not show it yet.
    expect(call.recording).toBeUndefined();
  });

  it('retries failed deliveries and blacklists a subscription that keeps failing', async () => {
    const sub = await subscribe(admin, [mailbox('~')]);
    receiver.status = 503;
    sim.addActivity({ sms: 1 });
    const delivery = () => sim.deliveries({ subscriptionId: sub.id })[0];
    await expect.poll(() => delivery()).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503 });
    sim.advanceClock(60_000);
    await expect.poll(() => delivery()).toMatchObject({ status: 'pending', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    sim.advanceClock(11 * 60_000);
    await expect.poll(() => sim.subscriptions(accountId)[0]?.status).toBe('Blacklisted');
    const read = await getJson<SubscriptionJson>(admin, `/restapi/v1.0/subscription/${sub.id}`);
    expectValid('SubscriptionInfo', read);
    expect(read.blacklistedData?.reason).toBe(
      'Webhook responses with code: [503], reason: [Service Unavailable]',
    );
    expect(delivery()).toMatchObject({ status: 'abandoned', attempts: 3 });
    // Nothing more reaches a blacklisted subscription, even once the endpoint is healthy.
    receiver.status = 200;
    const count = receiver.received.length;
    sim.addActivity({ sms: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(count);
  });

  it('delivers a retried notification once the endpoint recovers', async () => {
    const sub = await subscribe(admin, [mailbox('~')]);
    receiver.status = 500;
    sim.addActivity({ sms: 1 });
    await receiver.waitFor(1);
    receiver.status = 200;
    sim.advanceClock(60_000);
    await receiver.waitFor(2);
    await expect.poll(() => sim.deliveries({ subscriptionId: sub.id })[0]?.status).toBe('delivered');
    expect(receiver.received[0]!.body.uuid).toBe(receiver.received[1]!.body.uuid);
  });

  it('sends a notification twice, same uuid and body, when the fault asks', async () => {
    await subscribe(admin, [mailbox('~')]);
    sim.setFaults({ duplicateNotifications: 1 });
    sim.addActivity({ sms: 1 });
    const [a, b] = await receiver.waitFor(2);
    expect(b!.body).toEqual(a!.body);
  });

  it('drops the share of notifications the fault asks for, and lists them over /__sim', async () => {
    const sub = await subscribe(admin, [mailbox('~')]);
    sim.setFaults({ dropNotifications: 1 });
    sim.addActivity({ sms: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toEqual([]);
    const deliveries = (await (
      await fetch(`${sim.url}/__sim/deliveries?subscriptionId=${sub.id}`)
    ).json()) as {
      deliveries: Array<{ status: string; body: unknown }>;
    };
    expect(deliveries.deliveries.map((d) => d.status)).toEqual(['dropped']);
    expectValid('MessageEvent', deliveries.deliveries[0]!.body);
    const listed = (await (await fetch(`${sim.url}/__sim/subscriptions?accountId=${accountId}`)).json()) as {
      subscriptions: Array<{ id: string; hasVerificationToken: boolean; verificationToken?: string }>;
    };
    expect(listed.subscriptions).toEqual([
      expect.objectContaining({ id: sub.id, hasVerificationToken: true }),
    ]);
    expect(listed.subscriptions[0]!.verificationToken).toBeUndefined();
  });
});
