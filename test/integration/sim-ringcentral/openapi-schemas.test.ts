/**
 * Real simulator responses validate against the matching schemas of RingCentral's official
 * OpenAPI specification (token, extension list and info, account info, call log in both views,
 * single record, call-log sync and extract-sync, recording metadata, message list, message,
 * message sync, export task and archive list, and error bodies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  CLIENT,
  consent,
  DAY_MS,
  getJson,
  newSdk,
  signIn,
  startSim,
  type CallJson,
  type ListJson,
  type MessageJson,
  type Platform,
} from './helpers.ts';
import { loadSpecValidators, type SpecValidators } from './openapi.ts';

let sim: RcSim;
let platform: Platform;
let spec: SpecValidators;
const since = (): string => new Date(sim.now() - 4 * DAY_MS).toISOString();

beforeAll(async () => {
  spec = loadSpecValidators();
  sim = await startSim({
    accounts: [{ seed: 11, extensions: 12, days: 3, recordedShare: 0.5, mmsShare: 0.5 }],
    limits: { Light: 10_000, Medium: 10_000, Heavy: 10_000, Auth: 10_000 },
    exportDelayMs: 0,
  });
  platform = await signIn(sim, '101');
});

afterAll(async () => {
  await sim.close();
});

function expectValid(schema: string, data: unknown): void {
  expect(spec.validate(schema, data), `${schema}: ${JSON.stringify(data).slice(0, 400)}`).toEqual([]);
}

describe('responses validate against the official OpenAPI schemas', () => {
  it('catches a response that breaks its schema (the validator is live)', async () => {
    const list = await getJson<ListJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log', {
      dateFrom: since(),
    });
    expect(list.records.length).toBeGreaterThan(0);
    const broken = {
      ...list,
      records: [{ ...list.records[0], id: 12345 }],
      paging: { ...list.paging, extra: 1 },
    };
    expect(spec.validate('CallLogResponse', broken).length).toBeGreaterThan(0);
  });

  it('TokenInfo', async () => {
    const sdk = newSdk(sim).platform();
    const url = sdk.loginUrl({ state: 'v', usePKCE: true });
    const { location } = await consent(sim, url, '101');
    const res = await fetch(`${sim.url}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: CLIENT.redirectUri,
        code_verifier: sdk.codeVerifier,
      }),
    });
    expectValid('TokenInfo', await res.json());
  });

  it('account, extension list and extension info', async () => {
    expectValid('GetAccountInfoResponse', await getJson(platform, '/restapi/v1.0/account/~'));
    expectValid(
      'GetExtensionListResponse',
      await getJson(platform, '/restapi/v1.0/account/~/extension', { perPage: 5 }),
    );
    expectValid('GetExtensionInfoResponse', await getJson(platform, '/restapi/v1.0/account/~/extension/~'));
  });

  it('call log, Simple and Detailed views, and a single record', async () => {
    for (const view of ['Simple', 'Detailed']) {
      const list = await getJson<ListJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log', {
        view,
        perPage: 1000,
        dateFrom: since(),
      });
      expect(list.records.some((r) => r.recording)).toBe(true);
      expect(list.records.some((r) => r.message)).toBe(true);
      expectValid('CallLogResponse', list);
      const paged = await getJson(platform, '/restapi/v1.0/account/~/call-log', {
        view,
        perPage: 7,
        page: 2,
        dateFrom: since(),
      });
      expectValid('CallLogResponse', paged);
    }
    const list = await getJson<ListJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log', {
      dateFrom: since(),
    });
    expectValid('CallLogRecord', await getJson(platform, list.records[0]!.uri));
    const empty = await getJson(platform, '/restapi/v1.0/account/~/call-log', {
      dateFrom: '2001-01-01T00:00:00Z',
      dateTo: '2001-01-02T00:00:00Z',
    });
    expectValid('CallLogResponse', empty);
  });

  it('call-log sync and extract-sync', async () => {
    const f = await getJson<{ syncInfo: { syncToken: string } }>(
      platform,
      '/restapi/v1.0/account/~/call-log-sync',
      {
        syncType: 'FSync',
        recordCount: 50,
      },
    );
    expectValid('CallLogSyncResponse', f);
    expectValid(
      'CallLogSyncResponse',
      await getJson(platform, '/restapi/v1.0/account/~/call-log-sync', {
        syncType: 'ISync',
        syncToken: f.syncInfo.syncToken,
      }),
    );
    expectValid(
      'CallLogExtractSyncResponse',
      await getJson(platform, '/restapi/v1.0/account/~/call-log-extract-sync', {
        syncType: 'FSync',
        dateFrom: since(),
      }),
    );
  });

  it('recording metadata', async () => {
    const list = await getJson<ListJson<CallJson>>(platform, '/restapi/v1.0/account/~/call-log', {
      dateFrom: since(),
      recordingType: 'All',
    });
    expectValid('GetCallRecordingResponse', await getJson(platform, list.records[0]!.recording!.uri));
  });

  it('message list, message by id, and message sync (FSync and ISync)', async () => {
    const list = await getJson<ListJson<MessageJson>>(
      platform,
      '/restapi/v1.0/account/~/extension/~/message-store',
      {
        dateFrom: since(),
      },
    );
    expect(new Set(list.records.map((m) => m.type)).size).toBeGreaterThan(2);
    expectValid('GetMessageList', list);
    for (const m of list.records) expectValid('GetMessageInfoResponse', await getJson(platform, m.uri));
    const fsync = await getJson<{ syncInfo: { syncToken: string } }>(
      platform,
      '/restapi/v1.0/account/~/extension/~/message-sync',
      {
        syncType: 'FSync',
        dateFrom: since(),
      },
    );
    expectValid('GetMessageSyncResponse', fsync);
    sim.deleteItem({ kind: 'message', id: list.records[0]!.id });
    sim.addActivity({ sms: 1, voicemails: 1 });
    const isync = await getJson<{ records: unknown[] }>(
      platform,
      '/restapi/v1.0/account/~/extension/~/message-sync',
      {
        syncType: 'ISync',
        syncToken: fsync.syncInfo.syncToken,
      },
    );
    expect(isync.records.length).toBeGreaterThanOrEqual(3);
    expectValid('GetMessageSyncResponse', isync);
  });

  it('message-store export task and archive list', async () => {
    const res = await platform.post('/restapi/v1.0/account/~/message-store-report', {
      dateFrom: since(),
      dateTo: new Date(sim.now()).toISOString(),
    });
    expect(res.status).toBe(202);
    const task = (await res.json()) as { id: string };
    expectValid('MessageStoreReport', task);
    expectValid(
      'MessageStoreReport',
      await getJson(platform, `/restapi/v1.0/account/~/message-store-report/${task.id}`),
    );
    expectValid(
      'MessageStoreReportArchive',
      await getJson(platform, `/restapi/v1.0/account/~/message-store-report/${task.id}/archive`),
    );
  });

  it('error bodies: 401, 403, 404, 416 and 429', async () => {
    const bodies: unknown[] = [];
    const capture = async (url: string, init: RequestInit = {}): Promise<void> => {
      const res = await fetch(url, init);
      expect(res.status).toBeGreaterThanOrEqual(400);
      bodies.push(await res.json());
    };
    const { access_token } = await platform.auth().data();
    const auth = { Authorization: `Bearer ${access_token}` };
    await capture(`${sim.url}/restapi/v1.0/account/~`, { headers: { Authorization: 'Bearer nope' } });
    await capture(`${sim.url}/restapi/v1.0/account/~/extension/999/message-store`, { headers: auth });
    const ivr = (await sim.inventory(undefined, { sha256: false })).extensions.find(
      (e) => e.type === 'IvrMenu',
    )!;
    await capture(`${sim.url}/restapi/v1.0/account/~/extension/${ivr.id}/message-store`, { headers: auth });
    const rec = (await sim.inventory(undefined, { sha256: false })).callLog.find(
      (c) => c.recording,
    )!.recording!;
    await capture(`${sim.mediaUrl}/restapi/v1.0/account/~/recording/${rec.id}/content`, {
      headers: { ...auth, Range: `bytes=${rec.size + 5}-` },
    });
    sim.setFaults({ rateLimitStorm: { group: 'Light', count: 1 } });
    await capture(`${sim.url}/restapi/v1.0/account/~`, { headers: auth });
    for (const body of bodies) {
      expectValid('ApiErrorResponseModel', body);
      expect(typeof (body as { message?: unknown }).message).toBe('string');
    }
  });
});
