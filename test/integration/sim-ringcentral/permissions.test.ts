/**
 * Who may read what: app permissions (403 CMN-401), admin-only account-wide data (403 CMN-408),
 * other extensions (403 CMN-404 for non-admins; for admins' mailbox reads, the
 * adminCanReadOtherMailboxes setting), and extension types without a message store (403 CMN-403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory, RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  apiError,
  consent,
  getJson,
  newSdk,
  signIn,
  startSim,
  type CallJson,
  type ListJson,
  type MessageJson,
  type Platform,
} from './helpers.ts';

const LIMITED = {
  clientId: 'limited-app',
  clientSecret: 'limited-secret',
  redirectUri: 'http://localhost/limited',
};

let sim: RcSim;
let inventory: Inventory;
let admin: Platform;
let user: Platform;
let userExt: Inventory['extensions'][number];
let otherExt: Inventory['extensions'][number];

beforeAll(async () => {
  sim = await startSim({
    clients: [
      {
        clientId: 'archiver-client',
        clientSecret: 'archiver-secret',
        redirectUris: ['http://localhost:3000/oauth/ringcentral/callback'],
      },
      {
        clientId: LIMITED.clientId,
        clientSecret: LIMITED.clientSecret,
        redirectUris: [LIMITED.redirectUri],
        permissions: ['ReadAccounts', 'ReadCallLog'],
      },
    ],
    accounts: [{ seed: 7, extensions: 10, days: 3, nonAdminShare: 1, recordedShare: 0.6 }],
    limits: { Light: 10_000, Medium: 10_000, Heavy: 10_000, Auth: 10_000 },
  });
  inventory = await sim.inventory(undefined, { sha256: false });
  const users = inventory.extensions.filter((e) => e.type === 'User' && !e.admin);
  userExt = users[0]!;
  otherExt = users[1]!;
  admin = await signIn(sim, '101');
  user = await signIn(sim, userExt.extensionNumber);
});

afterAll(async () => {
  await sim.close();
});

describe('a non-admin user', () => {
  it('gets 403 CMN-408 on the account call log, naming FullCompanyCallLog', async () => {
    const { status, body, error } = await apiError(user.get('/restapi/v1.0/account/~/call-log'));
    expect(status).toBe(403);
    expect(body.errors[0]!.errorCode).toBe('CMN-408');
    expect(body.permissionName).toBe('FullCompanyCallLog');
    expect(error.message).toContain('[FullCompanyCallLog]');
  });

  it('reads its own call log and mailbox', async () => {
    const calls = await getJson<ListJson<CallJson>>(user, '/restapi/v1.0/account/~/extension/~/call-log');
    expect(Array.isArray(calls.records)).toBe(true);
    for (const c of calls.records) expect(String(c.extension.id)).toBe(userExt.id);
    const messages = await getJson<ListJson<MessageJson>>(
      user,
      `/restapi/v1.0/account/~/extension/${userExt.id}/message-store`,
    );
    expect(Array.isArray(messages.records)).toBe(true);
  });

  it("gets 403 CMN-404 on another extension's call log and mailbox", async () => {
    for (const path of [
      `/restapi/v1.0/account/~/extension/${otherExt.id}/call-log`,
      `/restapi/v1.0/account/~/extension/${otherExt.id}/message-store`,
    ]) {
      const { status, body } = await apiError(user.get(path));
      expect(status).toBe(403);
      expect(body.errors[0]!.errorCode).toBe('CMN-404');
      expect(body.message).toBe('Attempt to access another extension');
    }
  });

  it("gets 403 on another extension's recording but may fetch its own", async () => {
    const { calls } = sim.addActivity({ extensionNumber: userExt.extensionNumber, recordedCalls: 1 });
    const ownRecording = calls[0]!.recordingId!;
    const list = await getJson<ListJson<CallJson>>(admin, '/restapi/v1.0/account/~/call-log', {
      perPage: 1000,
      dateFrom: '2000-01-01T00:00:00Z',
    });
    const other = list.records.find((c) => c.recording && String(c.extension.id) !== userExt.id)!;
    const own = list.records.find((c) => c.recording?.id === ownRecording)!;
    const { status, body } = await apiError(user.get(other.recording!.uri));
    expect(status).toBe(403);
    expect(body.errors[0]!.errorCode).toBe('CMN-408');
    expect((await user.get(own.recording!.uri)).status).toBe(200);
    expect((await user.get(own.recording!.contentUri)).status).toBe(200);
  });

  it('gets 403 CMN-408 on the message-store export', async () => {
    const { status, body } = await apiError(user.post('/restapi/v1.0/account/~/message-store-report', {}));
    expect(status).toBe(403);
    expect(body.errors[0]!.errorCode).toBe('CMN-408');
  });
});

describe('an admin', () => {
  it("reads another extension's mailbox while adminCanReadOtherMailboxes is on (the default)", async () => {
    const res = await admin.get(`/restapi/v1.0/account/~/extension/${otherExt.id}/message-store`);
    expect(res.status).toBe(200);
  });

  it('is refused with 403 CMN-408 once the setting is switched off at run time, but keeps its own', async () => {
    sim.setFaults({ adminCanReadOtherMailboxes: false });
    try {
      const { status, body } = await apiError(
        admin.get(`/restapi/v1.0/account/~/extension/${otherExt.id}/message-store`),
      );
      expect(status).toBe(403);
      expect(body.errors[0]!.errorCode).toBe('CMN-408');
      expect(body.permissionName).toBe('ReadMessages');
      expect((await admin.get('/restapi/v1.0/account/~/extension/~/message-store')).status).toBe(200);
      // The account-wide call log is unaffected.
      expect((await admin.get('/restapi/v1.0/account/~/call-log')).status).toBe(200);
    } finally {
      sim.setFaults({ adminCanReadOtherMailboxes: true });
    }
  });

  it('gets 403 CMN-403 on the message store of extension types without one', async () => {
    const ivr = inventory.extensions.find((e) => e.type === 'IvrMenu')!;
    const { status, body } = await apiError(
      admin.get(`/restapi/v1.0/account/~/extension/${ivr.id}/message-store`),
    );
    expect(status).toBe(403);
    expect(body.errors[0]!.errorCode).toBe('CMN-403');
    const sync = await apiError(admin.get(`/restapi/v1.0/account/~/extension/${ivr.id}/message-sync`));
    expect(sync.status).toBe(403);
  });

  it('cannot sign in as an IVR menu: the consent page refuses the login', async () => {
    const ivr = inventory.extensions.find((e) => e.type === 'IvrMenu')!;
    const url = newSdk(sim).platform().loginUrl({ state: 's' });
    const form = new URLSearchParams(new URL(url).searchParams);
    form.set('login', ivr.extensionNumber);
    form.set('decision', 'allow');
    const res = await fetch(`${sim.url}/restapi/oauth/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('cannot sign in');
  });
});

describe('an app without a permission', () => {
  it('gets 403 CMN-401 with exactly the documented body', async () => {
    const sdk = newSdk(sim, LIMITED);
    const platform = sdk.platform();
    const url = platform.loginUrl({ state: 'l', usePKCE: true });
    const { location } = await consent(sim, url, '101');
    await platform.login({ code: location.searchParams.get('code')!, code_verifier: platform.codeVerifier });
    expect((await platform.auth().data()).scope).toBe('ReadAccounts ReadCallLog');
    const { status, body, error } = await apiError(
      platform.get('/restapi/v1.0/account/~/extension/~/message-store'),
    );
    const message = 'In order to call this API endpoint, application needs to have [ReadMessages] permission';
    expect(status).toBe(403);
    expect(body).toEqual({
      errorCode: 'InsufficientPermissions',
      message,
      errors: [{ errorCode: 'CMN-401', message, permissionName: 'ReadMessages' }],
      permissionName: 'ReadMessages',
    });
    expect(error.message).toBe(message);
    expect((await platform.get('/restapi/v1.0/account/~/call-log')).status).toBe(200);
  });
});
