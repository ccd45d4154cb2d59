/**
 * The Heavy budget (10 requests per window) over several compressed 2-second windows: steady
 * reading uses at least 95 % of what the server allows and never gets a 429, alone or with
 * several readers sharing the tenant's limiter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRingCentralApi,
  type Platform,
  type RingCentralApi,
} from '../../../src/archive/sources/api.ts';
import { readCallLog, recordingsOf } from '../../../src/archive/sources/call-log.ts';
import { openRecording } from '../../../src/archive/sources/recordings.ts';
import type { RecordingRef } from '../../../src/archive/sources/records.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const DAY_MS = 86_400_000;
const LIMIT = 10;
const WINDOW_MS = 2_000;

let sim: RcSim;
let platform: Platform;
let accountId: string;
const limiter = new RateLimiter();

interface ServerStats {
  requests: Record<string, number>;
  rateLimited: Record<string, number>;
}

/**
 * A sliding window lets request k·LIMIT + 1 go out k windows after the first at the earliest; the
 * share of the ceiling used is how close to that the reader came, over every whole window.
 */
function shareOfCeiling(finishedAt: number[]): number {
  const sorted = [...finishedAt].sort((a, b) => a - b);
  const windows = Math.floor((sorted.length - 1) / LIMIT);
  return (windows * WINDOW_MS) / (sorted[windows * LIMIT]! - sorted[0]!);
}

function newApi(): RingCentralApi {
  return createRingCentralApi(platform, { limiter, logger: createLogger('silent') });
}

beforeAll(async () => {
  sim = await startTestSimulator({
    accounts: [
      {
        seed: 11,
        extensions: 22,
        days: 30,
        messagesPerExtensionPerDay: 0,
        recordedShare: 0.15,
        recordingSizeRange: [1_000, 4_000],
      },
    ],
    rateLimitWindowSeconds: WINDOW_MS / 1000,
    limits: { Heavy: LIMIT },
  });
  platform = await signInToSimulator(sim);
  accountId = sim.accounts()[0]!.accountId;
  sim.resetStats();
});

afterAll(async () => {
  await sim?.close();
});

describe('the Heavy budget', () => {
  const window = () => ({ dateFrom: new Date(sim.now() - 31 * DAY_MS), dateTo: new Date(sim.now()) });
  const recordings: RecordingRef[] = [];

  it('pages a large call log at ≥ 95 % of the ceiling, over several windows, without a 429', async () => {
    const api = newApi();
    const finishedAt: number[] = [];
    let records = 0;
    for await (const page of readCallLog(api, { ...window(), perPage: 40 })) {
      finishedAt.push(Date.now());
      records += page.length;
      recordings.push(...page.flatMap(recordingsOf));
    }
    expect(finishedAt.length).toBeGreaterThan(4 * LIMIT);
    expect(records).toBe((await sim.inventory(undefined, { sha256: false })).callLog.length);
    expect(shareOfCeiling(finishedAt)).toBeGreaterThanOrEqual(0.95);

    const server = sim.stats(accountId) as unknown as ServerStats;
    expect(server.rateLimited.Heavy).toBe(0);
    expect(api.stats()).toMatchObject({ rateLimited: 0, retries: 0 });
    expect(api.stats().calls.Heavy).toBe(server.requests.Heavy);
    expect(limiter.stats().groups.Heavy).toMatchObject({ limit: LIMIT, windowMs: WINDOW_MS });
    // The limiter, not the server, did the pacing: it waited most of every window after the first.
    expect(limiter.stats().groups.Heavy!.waitedMs).toBeGreaterThan(3 * WINDOW_MS);
  });

  it('shares the budget between concurrent readers of one tenant without a 429', async () => {
    // Start from an empty window, so the first window's burst is a whole one.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    sim.resetStats();
    const api = newApi();
    const finishedAt: number[] = [];
    const queue = recordings.slice(0, 36);
    expect(queue.length).toBe(36);
    const downloader = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const download = await openRecording(api, next);
        download.body.resume();
        await new Promise((resolve) => download.body.once('end', resolve));
        finishedAt.push(Date.now());
      }
    };
    const pager = async () => {
      for await (const page of readCallLog(api, { ...window(), perPage: 400 })) {
        expect(page.length).toBeGreaterThanOrEqual(0);
        finishedAt.push(Date.now());
      }
    };
    await Promise.all([pager(), downloader(), downloader()]);
    expect(finishedAt.length).toBeGreaterThan(4 * LIMIT);
    expect(shareOfCeiling(finishedAt)).toBeGreaterThanOrEqual(0.95);
    const server = sim.stats(accountId) as unknown as ServerStats;
    expect(server.rateLimited.Heavy).toBe(0);
    expect(api.stats().calls.Heavy).toBe(server.requests.Heavy);
  });
});
