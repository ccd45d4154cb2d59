/**
 * Every extension's mailbox read directly (list and message-sync) through the real SDK, against
 * the simulator's inventory — and what happens when the admin may not read other mailboxes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRingCentralApi, type RingCentralApi } from '../../../src/archive/sources/api.ts';
import { listExtensions } from '../../../src/archive/sources/extensions.ts';
import { openAttachment, readMailbox } from '../../../src/archive/sources/messages.ts';
import type { Extension, MessageRecord } from '../../../src/archive/sources/records.ts';
import { SourceError } from '../../../src/archive/sources/source-error.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { Inventory, RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const DAY_MS = 86_400_000;
let sim: RcSim;
let api: RingCentralApi;
let inventory: Inventory;
let extensions: Extension[];

async function sha256(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readAllOf(extensionId: string): Promise<MessageRecord[]> {
  const records: MessageRecord[] = [];
  const window = { dateFrom: new Date(sim.now() - 31 * DAY_MS), dateTo: new Date(sim.now()) };
  for await (const page of readMailbox(api, extensionId, window)) records.push(...page);
  return records;
}

beforeAll(async () => {
  sim = await startTestSimulator({
    accounts: [
      {
        seed: 23,
        extensions: 21,
        days: 30,
        callsPerExtensionPerDay: 0,
        messagesPerExtensionPerDay: 0.4,
        voicemailSizeRange: [1_000, 6_000],
      },
    ],
    rateLimitWindowSeconds: 2,
    limits: { Light: 500, Medium: 500 },
  });
  const platform = await signInToSimulator(sim);
  sim.resetStats();
  api = createRingCentralApi(platform, {
    limiter: new RateLimiter(),
    logger: createLogger('silent'),
    backoff: { minMs: 50, maxMs: 500 },
  });
  inventory = await sim.inventory();
  extensions = await listExtensions(api);
});

afterAll(async () => {
  api?.close();
  await sim?.close();
});

describe('listExtensions', () => {
  it('lists every extension with string ids and decides mailboxes by type', () => {
    expect(extensions.map((e) => e.id).sort()).toEqual(inventory.extensions.map((e) => e.id).sort());
    const byType = new Map(extensions.map((e) => [e.type, e.hasMailbox]));
    expect(byType.get('User')).toBe(true);
    expect(byType.get('Department')).toBe(true);
    expect(byType.get('FaxUser')).toBe(true);
    expect(byType.get('Voicemail')).toBe(true);
    expect(byType.get('IvrMenu')).toBe(false);
    expect(byType.get('ParkLocation')).toBe(false);
  });

  it('is right about the extensions it says have no mailbox: RingCentral answers CMN-403 there', async () => {
    const without = extensions.filter((e) => !e.hasMailbox);
    expect(without.length).toBeGreaterThan(0);
    for (const extension of without) {
      const error = await readAllOf(extension.id).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'forbidden', status: 403, errorCode: 'CMN-403' });
    }
  });
});

describe('readMailbox (admin allowed to read other mailboxes)', () => {
  let read: MessageRecord[];

  beforeAll(async () => {
    read = [];
    for (const extension of extensions.filter((e) => e.hasMailbox)) {
      const records = await readAllOf(extension.id);
      for (const record of records) expect(record.extensionId).toBe(extension.id);
      read.push(...records);
    }
  });

  it('reads every message of every mailbox exactly once', () => {
    expect(read.length).toBeGreaterThan(100);
    expect(read.map((m) => m.id).sort()).toEqual(inventory.messages.map((m) => m.id).sort());
    expect(new Set(read.map((m) => m.type))).toEqual(new Set(['VoiceMail', 'Fax', 'SMS', 'Pager']));
  });

  it('downloads every attachment with the size and SHA-256 of the inventory', async () => {
    const expected = new Map(inventory.messages.map((m) => [m.id, m]));
    let attachments = 0;
    for (const message of read) {
      const want = expected.get(message.id)!;
      expect(message.attachments.map((a) => a.id)).toEqual(want.attachments.map((a) => a.id));
      for (const [i, attachment] of message.attachments.entries()) {
        const download = await openAttachment(api, attachment);
        expect(download.size).toBe(want.attachments[i]!.size);
        expect(await sha256(download.body)).toBe(want.attachments[i]!.sha256);
        attachments++;
      }
    }
    expect(attachments).toBeGreaterThanOrEqual(read.length);
  });

  it('keeps deleted messages (still restorable) and drops purged ones', async () => {
    const [deleted, purged] = inventory.messages.filter((m) => m.extensionId === extensions[0]!.id);
    sim.deleteItem({ kind: 'message', id: deleted!.id, mode: 'Deleted' });
    sim.deleteItem({ kind: 'message', id: purged!.id, mode: 'Purged' });
    const records = await readAllOf(extensions[0]!.id);
    expect(records.find((m) => m.id === deleted!.id)?.availability).toBe('Deleted');
    expect(records.find((m) => m.id === purged!.id)).toBeUndefined();
  });

  it('counts its calls per group exactly as RingCentral did', () => {
    const server = sim.stats(inventory.accountId) as { requests: Record<string, number> };
    expect(api.stats().calls).toEqual(server.requests);
    expect(api.stats().calls.Medium).toBeGreaterThan(100);
  });
});

describe('readMailbox when the admin may not read other mailboxes', () => {
  it("refuses each other extension's mailbox with CMN-408 and says what to do, and still reads the admin's own", async () => {
    sim.setFaults({ adminCanReadOtherMailboxes: false });
    try {
      const admin = inventory.extensions.find((e) => e.extensionNumber === '101')!;
      const others = extensions.filter((e) => e.hasMailbox && e.id !== admin.id);
      expect(others.length).toBeGreaterThan(10);
      for (const extension of others) {
        const error = await readAllOf(extension.id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SourceError);
        expect(error).toMatchObject({ kind: 'forbidden', status: 403, errorCode: 'CMN-408' });
        expect((error as Error).message).toContain(`/extension/${extension.id}/message-store`);
        expect((error as Error).message).toContain('[ReadMessages]');
      }
      const own = await readAllOf(admin.id);
      expect(own.length).toBeGreaterThan(0);
    } finally {
      sim.setFaults({ adminCanReadOtherMailboxes: true });
    }
  });
});
