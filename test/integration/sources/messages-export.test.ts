/**
 * The admin message-store export through the real SDK: with direct reads of other mailboxes
 * refused, the export alone yields every message of the account with its attachments, read from
 * the downloaded ZIPs, and leaves no temporary file behind.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRingCentralApi,
  type Platform,
  type RingCentralApi,
} from '../../../src/archive/sources/api.ts';
import {
  readMailbox,
  readMessageExport,
  type ExportedMessage,
} from '../../../src/archive/sources/messages.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { Inventory, RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const DAY_MS = 86_400_000;
let sim: RcSim;
let platform: Platform;
let api: RingCentralApi;
let inventory: Inventory;
let workDir: string;

async function sha256(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const exportOptions = () => ({
  dateFrom: new Date(sim.now() - 31 * DAY_MS),
  dateTo: new Date(sim.now()),
  workDir,
  poll: { initialMs: 100, maxMs: 400 },
});

beforeAll(async () => {
  sim = await startTestSimulator({
    accounts: [
      {
        seed: 31,
        extensions: 20,
        days: 30,
        callsPerExtensionPerDay: 0,
        messagesPerExtensionPerDay: 0.4,
        voicemailSizeRange: [1_000, 6_000],
      },
    ],
    adminCanReadOtherMailboxes: false,
    exportDelayMs: 300,
    // Small archives, so attachments spread over several ZIPs as they do past 1 GB.
    exportArchiveMaxBytes: 200_000,
    rateLimitWindowSeconds: 2,
    limits: { Heavy: 50 },
  });
  platform = await signInToSimulator(sim);
  sim.resetStats();
  api = createRingCentralApi(platform, {
    limiter: new RateLimiter(),
    logger: createLogger('silent'),
    backoff: { minMs: 50, maxMs: 500 },
    stallTimeoutMs: 300,
  });
  inventory = await sim.inventory();
  workDir = await mkdtemp(join(tmpdir(), 'rc-export-test-'));
});

afterAll(async () => {
  api?.close();
  await sim?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('readMessageExport', () => {
  it('yields every message of every extension with attachments read from the ZIPs', async () => {
    // Direct reads of other mailboxes are refused in this account…
    const other = inventory.extensions.find((e) => e.type === 'User' && e.extensionNumber !== '101')!;
    const probe = createRingCentralApi(platform, {
      limiter: new RateLimiter(),
      logger: createLogger('silent'),
    });
    const refused = await readMailbox(probe, other.id, exportOptions())
      .next()
      .catch((e: unknown) => e);
    probe.close();
    expect(refused).toMatchObject({ kind: 'forbidden', errorCode: 'CMN-408' });
    sim.resetStats();
    // …and the first ZIP download is cut short halfway.
    sim.setFaults({ truncateBodies: { count: 1 } });

    const seen: ExportedMessage[] = [];
    const expected = new Map(inventory.messages.map((m) => [m.id, m]));
    let attachments = 0;
    for await (const item of readMessageExport(api, exportOptions())) {
      seen.push(item);
      const want = expected.get(item.record.id)!;
      expect(item.extensionId).toBe(want.extensionId);
      expect(item.attachments.map((a) => a.id)).toEqual(want.attachments.map((a) => a.id));
      for (const [i, attachment] of item.attachments.entries()) {
        expect(attachment.source).toBe('archive');
        expect(attachment.size).toBe(want.attachments[i]!.size);
        expect(await sha256(await attachment.open())).toBe(want.attachments[i]!.sha256);
        attachments++;
      }
    }
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.map((m) => m.record.id).sort()).toEqual(inventory.messages.map((m) => m.id).sort());
    expect(new Set(seen.map((m) => m.extensionId)).size).toBeGreaterThan(10);
    expect(attachments).toBeGreaterThanOrEqual(seen.length);

    // Heavy only (create, polls, listing, one download per ZIP); no attachment was fetched alone.
    const calls = api.stats().calls;
    expect(calls.Medium).toBe(0);
    expect(calls.Heavy).toBeGreaterThan(4);
    const server = sim.stats(inventory.accountId) as { requests: Record<string, number> };
    expect(calls).toEqual(server.requests);
    expect(await readdir(workDir)).toEqual([]);
    expect(sim.faults().truncateBodies.remainingCount).toBe(0);
  });

  it('removes its temporary files when the reader stops early', async () => {
    for await (const item of readMessageExport(api, exportOptions())) {
      expect(await readdir(workDir)).toHaveLength(1);
      expect(item.record.id).toMatch(/^\d+$/);
      break;
    }
    expect(await readdir(workDir)).toEqual([]);
  });

  it('stops and leaves nothing behind when the run is aborted while the task is prepared', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('time box reached')), 150);
    const reading = (async () => {
      for await (const item of readMessageExport(api, { ...exportOptions(), signal: controller.signal })) {
        void item;
      }
    })();
    await expect(reading).rejects.toThrow('time box reached');
    expect(await readdir(workDir)).toEqual([]);
  });
});
