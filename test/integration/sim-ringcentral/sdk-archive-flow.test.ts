/**
 * The archiver's whole read path with the real @ringcentral/sdk: PKCE sign-in through the consent
 * page, the account call log paged with navigation.nextPage, every extension's message store, and
 * every recording and attachment downloaded from the media host — and the result is exactly what
 * /__sim/inventory says, byte for byte.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  apiError,
  DAY_MS,
  pageAll,
  signIn,
  startSim,
  type CallJson,
  type ExtensionJson,
  type MessageJson,
  type Platform,
} from './helpers.ts';

const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

async function bytesOf(
  platform: Platform,
  uri: string,
): Promise<{ buf: Buffer; headers: Headers; status: number }> {
  const res = await platform.get(uri);
  return {
    buf: Buffer.from(await res.arrayBuffer()),
    headers: res.headers,
    status: res.status,
  };
}

let sim: RcSim;
let platform: Platform;

beforeAll(async () => {
  sim = await startSim({
    accounts: [
      {
        seed: 42,
        extensions: 24,
        days: 10,
        callsPerExtensionPerDay: 4,
        recordedShare: 0.25,
        recordingSizeRange: [2_000, 40_000],
        voicemailSizeRange: [2_000, 20_000],
      },
    ],
    // This test reads everything at once; the rate limits have their own test.
    limits: { Light: 100_000, Medium: 100_000, Heavy: 100_000 },
  });
  platform = await signIn(sim, '101');
});

afterAll(async () => {
  await sim.close();
});

describe('the real SDK reads a seeded account completely', () => {
  it('pages the whole account call log and gets exactly the inventory, recordings included', async () => {
    const inventory = await sim.inventory();
    const { records, pages, uris } = await pageAll<CallJson>(platform, '/restapi/v1.0/account/~/call-log', {
      view: 'Detailed',
      perPage: 1000,
      dateFrom: new Date(sim.now() - 11 * DAY_MS).toISOString(),
    });
    expect(pages).toBeGreaterThan(1);
    for (const uri of uris) expect(uri.startsWith(`${sim.url}/`)).toBe(true);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.map((r) => r.id).sort()).toEqual(inventory.callLog.map((c) => c.id).sort());

    const byId = new Map(inventory.callLog.map((c) => [c.id, c]));
    let recordings = 0;
    for (const record of records) {
      const expected = byId.get(record.id)!;
      expect(record.lastModifiedTime).toBe(expected.lastModifiedTime);
      expect(record.startTime).toBe(expected.startTime);
      expect(record.recording?.id ?? null).toBe(expected.recording?.id ?? null);
      if (!record.recording) continue;
      recordings++;
      expect(record.recording.contentUri.startsWith(`${sim.mediaUrl}/`)).toBe(true);
      const { buf, headers } = await bytesOf(platform, record.recording.contentUri);
      expect(headers.get('content-type')).toBe(expected.recording!.contentType);
      expect(Number(headers.get('content-length'))).toBe(expected.recording!.size);
      expect(headers.get('accept-ranges')).toBe('bytes');
      expect(buf.length).toBe(expected.recording!.size);
      expect(sha256(buf)).toBe(expected.recording!.sha256);
    }
    expect(recordings).toBeGreaterThan(20);
  });

  it('reads every mailbox extension by extension and gets exactly the inventory, attachments included', async () => {
    const inventory = await sim.inventory();
    const { records: extensions } = await pageAll<ExtensionJson>(
      platform,
      '/restapi/v1.0/account/~/extension',
      {
        perPage: 10,
      },
    );
    expect(extensions.map((e) => String(e.id)).sort()).toEqual(inventory.extensions.map((e) => e.id).sort());

    const seen: MessageJson[] = [];
    let refused = 0;
    for (const ext of extensions) {
      const path = `/restapi/v1.0/account/~/extension/${ext.id}/message-store`;
      const query = { dateFrom: new Date(sim.now() - 11 * DAY_MS).toISOString(), perPage: 25 };
      if (['IvrMenu', 'ParkLocation'].includes(ext.type)) {
        const { status, body } = await apiError(platform.get(path, query));
        expect(status).toBe(403);
        expect(body.errors[0]!.errorCode).toBe('CMN-403');
        refused++;
        continue;
      }
      const { records } = await pageAll<MessageJson>(platform, path, query);
      for (const m of records) expect(m.extensionId).toBe(String(ext.id));
      seen.push(...records);
    }
    expect(refused).toBeGreaterThan(0);
    expect(seen.map((m) => String(m.id)).sort()).toEqual(inventory.messages.map((m) => m.id).sort());
    expect(new Set(seen.map((m) => m.type))).toEqual(new Set(['VoiceMail', 'Fax', 'SMS', 'Pager']));

    const expected = new Map(inventory.messages.map((m) => [m.id, m]));
    const contentTypes = new Set<string>();
    for (const message of seen) {
      const inv = expected.get(String(message.id))!;
      expect(message.attachments.map((a) => String(a.id))).toEqual(inv.attachments.map((a) => a.id));
      for (const [i, att] of message.attachments.entries()) {
        expect(att.uri.startsWith(`${sim.mediaUrl}/`)).toBe(true);
        const { buf, headers } = await bytesOf(platform, att.uri);
        contentTypes.add(headers.get('content-type')!);
        expect(buf.length).toBe(inv.attachments[i]!.size);
        expect(sha256(buf)).toBe(inv.attachments[i]!.sha256);
      }
    }
    for (const type of ['audio/mpeg', 'application/pdf', 'text/plain', 'image/png', 'image/jpeg']) {
      expect(contentTypes.has(type)).toBe(true);
    }
  });

  it('takes ?access_token= on the media host only, as RingCentral does', async () => {
    const inventory = await sim.inventory(undefined, { sha256: false });
    const rec = inventory.callLog.find((c) => c.recording)!.recording!;
    const { access_token } = await platform.auth().data();
    const media = await fetch(
      `${sim.mediaUrl}/restapi/v1.0/account/~/recording/${rec.id}/content?access_token=${access_token}`,
    );
    expect(media.status).toBe(200);
    expect((await media.arrayBuffer()).byteLength).toBe(rec.size);
    const api = await fetch(
      `${sim.url}/restapi/v1.0/account/~/recording/${rec.id}?access_token=${access_token}`,
    );
    expect(api.status).toBe(401);
    // Content is served by the media host only.
    const wrongHost = await fetch(`${sim.url}/restapi/v1.0/account/~/recording/${rec.id}/content`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(wrongHost.status).toBe(404);
  });

  it('answers a Range request with the right slice, and an unsatisfiable one with 416 CMN-107', async () => {
    const inventory = await sim.inventory();
    const rec = inventory.callLog.find((c) => c.recording && c.recording.size > 5000)!.recording!;
    const uri = `${sim.mediaUrl}/restapi/v1.0/account/${inventory.accountId}/recording/${rec.id}/content`;
    const full = (await bytesOf(platform, uri)).buf;

    const res = await platform.get(uri, undefined, { headers: { Range: 'bytes=1000-2999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-2999/${rec.size}`);
    expect(res.headers.get('content-length')).toBe('2000');
    expect(Buffer.from(await res.arrayBuffer()).equals(full.subarray(1000, 3000))).toBe(true);

    const tail = await platform.get(uri, undefined, { headers: { Range: 'bytes=-100' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(full.subarray(full.length - 100))).toBe(true);

    const { status, body } = await apiError(
      platform.get(uri, undefined, { headers: { Range: `bytes=${rec.size}-${rec.size + 10}` } }),
    );
    expect(status).toBe(416);
    expect(body.errors[0]!.errorCode).toBe('CMN-107');
  });
});
