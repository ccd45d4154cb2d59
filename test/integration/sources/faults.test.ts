/**
 * Injected faults against the real SDK: 429 storms and a real penalty, 5xx bursts, bodies cut
 * short, a token refresh the SDK does on its own, and a revoked connection. Each failure must
 * surface as the right SourceError kind, and waits must honour what RingCentral asked for.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRingCentralApi,
  type Platform,
  type RingCentralApi,
  type RingCentralApiOptions,
} from '../../../src/archive/sources/api.ts';
import { readCallLog, recordingsOf } from '../../../src/archive/sources/call-log.ts';
import { openRecording } from '../../../src/archive/sources/recordings.ts';
import type { CallLogRecord, RecordingRef } from '../../../src/archive/sources/records.ts';
import { SourceError } from '../../../src/archive/sources/source-error.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { RateLimiter } from '../../../src/lib/rate-limiter.ts';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { signInToSimulator, startTestSimulator } from '../../support/ringcentral-sign-in.ts';

const DAY_MS = 86_400_000;

interface ServerStats {
  requests: Record<string, number>;
  rateLimited: Record<string, number>;
  injectedErrors: number;
  tokenGrants: { refresh_token: number };
}

function newApi(platform: Platform, options: Partial<RingCentralApiOptions> = {}): RingCentralApi {
  return createRingCentralApi(platform, {
    limiter: options.limiter ?? new RateLimiter(),
    logger: createLogger('silent'),
    backoff: { minMs: 20, maxMs: 200 },
    ...options,
  });
}

async function firstPage(api: RingCentralApi, sim: RcSim): Promise<CallLogRecord[]> {
  const pages = readCallLog(api, { dateFrom: new Date(sim.now() - 2 * DAY_MS), dateTo: new Date(sim.now()) });
  const first = await pages.next();
  await pages.return(undefined);
  return first.done ? [] : first.value;
}

async function elapsed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe('with the account admin signed in', () => {
  let sim: RcSim;
  let platform: Platform;
  let accountId: string;
  // One limiter for the tenant, as in production; each test gets its own API client for its stats.
  const limiter = new RateLimiter();
  let recording: RecordingRef & { size: number; sha256: string };
  const serverStats = () => sim.stats(accountId) as unknown as ServerStats;

  beforeAll(async () => {
    sim = await startTestSimulator({
      accounts: [
        {
          seed: 3,
          extensions: 20,
          days: 2,
          messagesPerExtensionPerDay: 0,
          recordedShare: 0.3,
          recordingSizeRange: [200_000, 400_000],
        },
      ],
      rateLimitWindowSeconds: 2,
      limits: { Heavy: 5 },
    });
    platform = await signInToSimulator(sim);
    accountId = sim.accounts()[0]!.accountId;
    const inventory = await sim.inventory();
    const records = await firstPage(newApi(platform, { limiter }), sim);
    const ref = records.flatMap(recordingsOf)[0]!;
    const expected = inventory.callLog.find((c) => c.recording?.id === ref.id)!.recording!;
    recording = { ...ref, size: expected.size, sha256: expected.sha256! };
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('rides out a 429 storm, waiting each Retry-After before trying again', async () => {
    const api = newApi(platform, { limiter });
    const before = serverStats().rateLimited.Heavy!;
    sim.setFaults({ rateLimitStorm: { group: 'Heavy', count: 2, retryAfterSeconds: 1 } });
    const { result, ms } = await elapsed(() => firstPage(api, sim));
    expect(result.length).toBeGreaterThan(0);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(api.stats()).toMatchObject({ rateLimited: 2, retries: 2 });
    expect(serverStats().rateLimited.Heavy! - before).toBe(2);
  });

  it('after a real 429 stays silent for the whole penalty, so one 429 is all the server sees', async () => {
    // Another client of the same user spends the rest of the Heavy budget behind our back.
    const other = await signInToSimulator(sim);
    for (;;) {
      const res = await other.get('/restapi/v1.0/account/~/call-log', { perPage: 1 });
      if (res.headers.get('x-rate-limit-remaining') === '0') break;
    }
    const before = serverStats().rateLimited.Heavy!;
    // A limiter that has not seen that traffic (a fresh process) learns of it from the 429.
    const api = newApi(platform);
    const { result, ms } = await elapsed(() => firstPage(api, sim));
    expect(result.length).toBeGreaterThan(0);
    expect(serverStats().rateLimited.Heavy! - before).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(2_000); // Retry-After: the 2-second window
    expect(api.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it('retries through a burst of 503s, honouring their Retry-After', async () => {
    const api = newApi(platform, { limiter });
    const before = serverStats().injectedErrors;
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    setTimeout(() => sim.setFaults({ errorRate: 0 }), 1_500);
    const { result, ms } = await elapsed(() => firstPage(api, sim));
    expect(result.length).toBeGreaterThan(0);
    const { retries } = api.stats();
    expect(retries).toBeGreaterThanOrEqual(1);
    expect(serverStats().injectedErrors - before).toBe(retries);
    expect(ms).toBeGreaterThanOrEqual(retries * 1_000); // Retry-After: 1 each time
  });

  it('gives up after maxRetries with a retry-kind error naming the request', async () => {
    const api = newApi(platform, { limiter, maxRetries: 1 });
    sim.setFaults({ errorRate: 1, errorStatus: 500 });
    try {
      const error = await firstPage(api, sim).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect(error).toMatchObject({ kind: 'retry', status: 500, errorCode: 'CMN-203' });
      expect((error as Error).message).toContain('GET /restapi/v1.0/account/~/call-log');
      expect(api.stats().retries).toBe(1);
    } finally {
      sim.setFaults({ errorRate: 0 });
    }
  });

  it('fails a body cut short instead of ending it cleanly, and the next download is whole', async () => {
    const api = newApi(platform, { limiter, stallTimeoutMs: 300 });
    sim.setFaults({ truncateBodies: { count: 1 } });
    const cut = await openRecording(api, recording);
    expect(cut.size).toBe(recording.size);
    let bytes = 0;
    let ended = false;
    cut.body.on('end', () => (ended = true));
    const error = await (async () => {
      for await (const chunk of cut.body) bytes += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ kind: 'retry' });
    expect((error as Error).message).toContain(`of ${recording.size} bytes`);
    expect(bytes).toBeLessThan(recording.size);
    expect(ended).toBe(false);

    const whole = await openRecording(api, recording);
    const hash = createHash('sha256');
    for await (const chunk of whole.body) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(recording.sha256);
  });
});

describe('with a short-lived access token', () => {
  let sim: RcSim;

  beforeAll(async () => {
    // The SDK refreshes 60 s before expiry: a 61-second token is due for refresh after 1 s.
    sim = await startTestSimulator({
      accounts: [{ seed: 5, extensions: 2, days: 1, messagesPerExtensionPerDay: 0 }],
      accessTokenTtlSeconds: 61,
      // Two sign-ins and their refreshes would use up the real Auth budget (5 a minute per user).
      limits: { Auth: 50 },
    });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it("counts the SDK's own token refresh as an Auth call", async () => {
    const platform = await signInToSimulator(sim);
    const accountId = sim.accounts()[0]!.accountId;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    sim.resetStats();
    const api = newApi(platform);
    await firstPage(api, sim);
    const server = sim.stats(accountId) as unknown as ServerStats;
    expect(server.tokenGrants.refresh_token).toBe(1);
    expect(api.stats().calls).toEqual(server.requests);
    expect(api.stats().calls.Auth).toBe(1);
    api.close();
  });

  it('reports a revoked connection as auth, without any token in the message', async () => {
    const platform = await signInToSimulator(sim);
    const { access_token, refresh_token } = await platform.auth().data();
    sim.setFaults({ revokeTokens: sim.accounts()[0]!.accountId });
    const api = newApi(platform);
    const error = await firstPage(api, sim).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ kind: 'auth', duringRefresh: true });
    const message = (error as Error).message;
    expect(message).toContain('reconnect RingCentral');
    expect(message).not.toContain(access_token!);
    expect(message).not.toContain(refresh_token!);
    expect(api.stats().retries).toBe(0);
    api.close();
  });
});
