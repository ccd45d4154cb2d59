/**
 * The account call log and its recordings through the real SDK and the API client, against the
 * simulator's ground truth (/__sim/inventory), with call counts matching /__sim/stats.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRingCentralApi,
  type Platform,
  type RingCentralApi,
} from '../../../src/archive/sources/api.ts';
import { readCallLog, recordingsOf } from '../../../src/archive/sources/call-log.ts';
import { openRecording } from '../../../src/archive/sources/recordings.ts';
import type { CallLogRecord } from '../../../src/archive/sources/records.ts';
import { SourceError } from '../../../src/archive/sources/source-error.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const DAY_MS = 86_400_000;
let sim: RcSim;
let platform: Platform;
let api: RingCentralApi;
let records: CallLogRecord[];
let pages = 0;

async function sha256(stream: NodeJS.ReadableStream): Promise<{ hex: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hex: hash.digest('hex'), bytes };
}

beforeAll(async () => {
  sim = await startTestSimulator({
    accounts: [
      {
        seed: 11,
        extensions: 22,
        days: 30,
        recordedShare: 0.15,
        recordingSizeRange: [1_000, 12_000],
        lateRecordingShare: 0,
        // Messages have their own tests; without them the inventory hashes only recordings.
        messagesPerExtensionPerDay: 0,
      },
    ],
    rateLimitWindowSeconds: 2,
    // Functional reads of a whole account: a generous Heavy limit; the budget has its own test.
    limits: { Heavy: 200 },
  });
  platform = await signInToSimulator(sim);
  sim.resetStats();
  api = createRingCentralApi(platform, {
    limiter: new RateLimiter(),
    logger: createLogger('silent'),
    backoff: { minMs: 50, maxMs: 500 },
  });
  records = [];
  for await (const page of readCallLog(api, {
    dateFrom: new Date(sim.now() - 31 * DAY_MS),
    dateTo: new Date(sim.now()),
  })) {
    pages++;
    records.push(...page);
  }
});

afterAll(async () => {
  api?.close();
  await sim?.close();
});

describe('readCallLog', () => {
  it('reads the whole account call log, page by page, exactly as the inventory lists it', async () => {
    const inventory = await sim.inventory(undefined, { sha256: false });
    expect(inventory.extensions.length).toBeGreaterThanOrEqual(20);
    expect(pages).toBeGreaterThan(1);
    expect(records.map((r) => r.id).sort()).toEqual(inventory.callLog.map((c) => c.id).sort());
    const byId = new Map(inventory.callLog.map((c) => [c.id, c]));
    for (const record of records) {
      expect(record.lastModifiedTime).toBe(byId.get(record.id)!.lastModifiedTime);
      expect(typeof record.extension?.id).toBe('string');
      expect(record.legs?.length).toBeGreaterThan(0);
    }
  });

  it('finds every recording on the records and their legs, and downloads each with its size and SHA-256', async () => {
    const inventory = await sim.inventory();
    const expected = new Map(
      inventory.callLog.flatMap((c) => (c.recording ? [[c.recording.id, c.recording]] : [])),
    );
    const found = records.flatMap(recordingsOf);
    expect(found.map((r) => r.id).sort()).toEqual([...expected.keys()].sort());
    expect(found.length).toBeGreaterThan(20);
    for (const recording of found) {
      const download = await openRecording(api, recording);
      const want = expected.get(recording.id)!;
      expect(download.size).toBe(want.size);
      expect(download.contentType).toBe(want.contentType);
      expect(await sha256(download.body)).toEqual({ hex: want.sha256, bytes: want.size });
    }
  });

  it('reports a recording deleted at RingCentral as gone', async () => {
    const recording = records.flatMap(recordingsOf)[0]!;
    expect(sim.deleteItem({ kind: 'recording', id: recording.id })).toBe(true);
    const error = await openRecording(api, recording).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ kind: 'gone', status: 404, errorCode: 'CMN-102' });
    expect((error as Error).message).toContain(`/recording/${recording.id}/content`);
  });

  it('counts its calls per rate-limit group exactly as RingCentral counted them', () => {
    const server = sim.stats(sim.accounts()[0]!.accountId) as {
      requests: Record<string, number>;
      rateLimited: Record<string, number>;
    };
    const stats = api.stats();
    expect(stats.calls).toEqual(server.requests);
    expect(stats.calls.Heavy).toBeGreaterThan(pages);
    expect(stats.rateLimited).toBe(0);
    expect(Object.values(server.rateLimited).every((n) => n === 0)).toBe(true);
  });
});
