/**
 * What decides an archive's capacity at RingCentral: rate limits counted per (user, app), so a
 * second user of the same account brings a second Heavy budget; and the account-level emergency
 * limit, a 429 without X-Rate-Limit-* headers that refuses every user of the account, restarts
 * with each refused request, and leaves other accounts alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signIn, startSim } from './helpers.ts';

let sim: RcSim;
let accountId: string;
let otherAccountId: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // Every user an admin (nonAdminShare 0), so 102 may read the company call log too.
  sim = await startSim({
    accounts: [
      { seed: 11, extensions: 4, days: 1, nonAdminShare: 0 },
      { seed: 12, extensions: 2, days: 1 },
    ],
    rateLimitWindowSeconds: 2,
  });
  [accountId, otherAccountId] = sim.accounts().map((a) => a.accountId) as [string, string];
  for (const login of [`${accountId}:101`, `${accountId}:102`, `${otherAccountId}:101`]) {
    tokens[login] = (await (await signIn(sim, login)).auth().data()).access_token!;
  }
});

afterAll(async () => {
  await sim.close();
});

function callLog(login: string): Promise<Response> {
  return fetch(`${sim.url}/restapi/v1.0/account/~/call-log?perPage=1`, {
    headers: { Authorization: `Bearer ${tokens[login]}` },
  });
}

const hasRateHeaders = (res: Response) =>
  ['x-rate-limit-group', 'x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-window'].some(
    (name) => res.headers.get(name) !== null,
  );

describe('capacity at RingCentral', () => {
  it('counts Heavy per (user, app): a second user of the account has a budget of its own', async () => {
    sim.advanceClock(10_000);
    for (let i = 0; i < 10; i++) expect((await callLog(`${accountId}:101`)).status).toBe(200);
    expect((await callLog(`${accountId}:101`)).status).toBe(429);
    for (let i = 0; i < 10; i++) {
      const res = await callLog(`${accountId}:102`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rate-limit-remaining')).toBe(String(9 - i));
    }
    expect((await callLog(`${accountId}:102`)).status).toBe(429);
  });

  it('refuses every user of the account under the emergency limit, without X-Rate-Limit-* headers', async () => {
    sim.advanceClock(10_000);
    sim.resetStats();
    sim.setFaults({ accountRateLimit: { accountId, seconds: 5, retryAfterSeconds: 7 }, logRequests: 100 });
    for (const login of [`${accountId}:101`, `${accountId}:102`]) {
      const res = await callLog(login);
      expect(res.status).toBe(429);
      expect(hasRateHeaders(res)).toBe(false);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe('CMN-301');
    }
    // Another account is not affected.
    expect((await callLog(`${otherAccountId}:101`)).status).toBe(200);
    expect(sim.stats(accountId)).toMatchObject({ accountRateLimited: 2, rateLimited: { Heavy: 2 } });
    const log = sim.requestLog(accountId);
    expect(log.map((r) => r.outcome)).toEqual(['account-limited', 'account-limited']);
    expect(new Set(log.map((r) => r.extensionId)).size).toBe(2);
    // Each request names its route's pattern, so calls can be counted by endpoint whatever the ids.
    expect(new Set(log.map((r) => r.endpoint))).toEqual(
      new Set(['GET /restapi/v1.0/account/:accountId/call-log']),
    );
    const served = (await (await fetch(`${sim.url}/__sim/requests?accountId=${accountId}`)).json()) as {
      requests: unknown[];
    };
    expect(served.requests).toEqual(JSON.parse(JSON.stringify(log)));
  });

  it('restarts the emergency limit with every refused request, and ends it after a quiet spell', async () => {
    sim.advanceClock(10_000);
    sim.setFaults({ accountRateLimit: { accountId, seconds: 5, retryAfterSeconds: null } });
    const first = await callLog(`${accountId}:101`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBeNull();
    sim.advanceClock(4_000);
    expect((await callLog(`${accountId}:101`)).status).toBe(429); // restarts: 5 s from here
    sim.advanceClock(4_000);
    expect((await callLog(`${accountId}:102`)).status).toBe(429); // still inside, restarts again
    sim.advanceClock(5_000);
    expect((await callLog(`${accountId}:101`)).status).toBe(200);
    expect(sim.faults().accountRateLimit).toEqual({});
  });
});
