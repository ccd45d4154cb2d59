/**
 * Several connected users of one company share the work: Heavy downloads spread over every user's
 * budget (RingCentral counts limits per user and app), with no 429; work only the admin may do stays
 * with the admin; an account-level 429 storm pauses every user for its Retry-After, with no cascade;
 * and a user whose grant is lost is set aside while the others carry on.
 */
import pMap from 'p-map';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPooledApi, type Platform, type RingCentralApi } from '../../../src/archive/sources/api.ts';
import { readCallLog, recordingsOf } from '../../../src/archive/sources/call-log.ts';
import { listExtensions } from '../../../src/archive/sources/extensions.ts';
import type { ApiUser } from '../../../src/archive/sources/pool.ts';
import { openRecording } from '../../../src/archive/sources/recordings.ts';
import type { RecordingRef } from '../../../src/archive/sources/records.ts';
import { AccountGate } from '../../../src/lib/account-gate.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { TEST_CREDENTIALS } from '../../support/config.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const WINDOW_MS = 1_000;

let sim: RcSim;
let accountId: string;
const platforms: Platform[] = [];
const recordings: RecordingRef[] = [];

/** A pooled client for users 101 (the admin connection), 102 and 103, with fresh limiters. */
function pooled(setAside: Array<[string, string]> = []): RingCentralApi {
  const gate = new AccountGate();
  const users: ApiUser[] = platforms.map((platform, i) => ({
    id: i === 0 ? '' : String(102 + i - 1),
    label: `ext. ${101 + i}`,
    platform,
    limiter: new RateLimiter({ gate }),
    admin: i === 0,
  }));
  return createPooledApi(users, {
    logger: createLogger('silent'),
    backoff: { minMs: 10, maxMs: 50 },
    onUserSetAside: (user, reason) => setAside.push([user.label, reason]),
  });
}

async function downloadAll(api: RingCentralApi, refs: RecordingRef[]): Promise<void> {
  await pMap(
    refs,
    async (ref) => {
      const download = await openRecording(api, ref);
      for await (const _chunk of download.body);
    },
    { concurrency: 32 },
  );
}

beforeAll(async () => {
  sim = await startTestSimulator({
    // Every user an admin: each may read the company call log and its recordings.
    accounts: [
      {
        seed: 31,
        extensions: 4,
        days: 1,
        nonAdminShare: 0,
        callsPerExtensionPerDay: 0,
        messagesPerExtensionPerDay: 0,
        extraRecordings: Array.from({ length: 60 }, () => 2_000),
      },
    ],
    rateLimitWindowSeconds: WINDOW_MS / 1000,
  });
  accountId = sim.accounts()[0]!.accountId;
  for (const login of ['101', '102', '103']) platforms.push(await signInToSimulator(sim, login));
  const api = pooled();
  for await (const page of readCallLog(api, { dateFrom: new Date(0), dateTo: new Date(sim.now()) }))
    for (const record of page) recordings.push(...recordingsOf(record));
  api.close();
  expect(recordings).toHaveLength(60);
});

afterAll(async () => {
  await sim.close();
});

describe('a company with three connected users', () => {
  it('spreads the Heavy downloads over all three budgets, with no 429', async () => {
    sim.advanceClock(10_000);
    sim.resetStats();
    sim.setFaults({ logRequests: 1_000 });
    const api = pooled();
    await downloadAll(api, recordings);
    const stats = api.stats();
    api.close();
    expect(sim.stats(accountId).rateLimited).toEqual({ Light: 0, Medium: 0, Heavy: 0, Auth: 0 });
    const heavy = sim.requestLog(accountId).filter((r) => r.group === 'Heavy');
    const perUser = new Map<number, number>();
    for (const r of heavy) perUser.set(r.extensionId, (perUser.get(r.extensionId) ?? 0) + 1);
    expect(perUser.size).toBe(3);
    for (const n of perUser.values()) expect(n).toBeGreaterThanOrEqual(15);
    // More than one user's budget (10) in one window: the budgets add up.
    const perWindow = new Map<number, number>();
    for (const r of heavy)
      perWindow.set(Math.floor(r.at / WINDOW_MS), (perWindow.get(Math.floor(r.at / WINDOW_MS)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeGreaterThan(10);
    expect(stats.users.map((u) => u.calls.Heavy).reduce((a, b) => a + b)).toBe(60);
    expect(stats.rateLimited).toBe(0);
  });

  it('keeps work only the admin may do (the extension list) with the admin connection', async () => {
    sim.setFaults({ logRequests: 1_000 });
    const api = pooled();
    for (let i = 0; i < 3; i++) await listExtensions(api);
    api.close();
    const admin = (await sim.inventory(accountId, { sha256: false })).extensions.find(
      (e) => e.extensionNumber === '101',
    )!;
    const medium = sim.requestLog(accountId).filter((r) => r.group === 'Medium');
    expect(medium.length).toBeGreaterThanOrEqual(3);
    expect(new Set(medium.map((r) => String(r.extensionId)))).toEqual(new Set([admin.id]));
  });

  it('pauses every user for Retry-After after an account-level 429, with one 429 for the storm', async () => {
    sim.advanceClock(10_000);
    sim.resetStats();
    sim.setFaults({ logRequests: 1_000 });
    const api = pooled();
    await downloadAll(api, recordings.slice(0, 6)); // every limiter has learned its limits
    // RingCentral switches on its emergency limit for the account: 2 s, Retry-After 3.
    sim.setFaults({ logRequests: 1_000, accountRateLimit: { accountId, seconds: 2, retryAfterSeconds: 3 } });
    await listExtensions(api); // one request meets the storm, then waits it out
    await downloadAll(api, recordings.slice(6, 36));
    const stats = api.stats();
    api.close();
    const log = sim.requestLog(accountId);
    const refused = log.filter((r) => r.outcome === 'account-limited');
    expect(refused).toHaveLength(1);
    expect(sim.stats(accountId).accountRateLimited).toBe(1);
    // Nobody sent anything during the pause; then all three users went on.
    const after = log.filter((r) => r.at > refused[0]!.at);
    expect(Math.min(...after.map((r) => r.at)) - refused[0]!.at).toBeGreaterThanOrEqual(3_000);
    expect(new Set(after.filter((r) => r.group === 'Heavy').map((r) => r.extensionId)).size).toBe(3);
    expect(stats.accountLimit).toMatchObject({ storms: 1, answers: 1, pausedMs: 3_000 });
  });

  it('sets aside a user whose grant is lost; the others carry on', async () => {
    sim.advanceClock(10_000);
    const lost: Array<[string, string]> = [];
    const api = pooled(lost);
    // User 103 revokes its session: its token dies, its refresh is refused.
    const third = platforms[2]!;
    const token = (await third.auth().data()).refresh_token!;
    await fetch(`${sim.url}/restapi/oauth/revoke`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.RINGCENTRAL_CLIENT_ID}:${TEST_CREDENTIALS.RINGCENTRAL_CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    await downloadAll(api, recordings.slice(36, 60));
    const stats = api.stats();
    api.close();
    expect(lost.map(([label]) => label)).toEqual(['ext. 103']);
    expect(stats.users.find((u) => u.label === 'ext. 103')!.setAside).toMatch(/RingCentral/);
    expect(stats.users.filter((u) => u.setAside === null)).toHaveLength(2);
  });
});
