import { describe, expect, it } from 'vitest';
import { ACCOUNT_PAUSE_DEFAULT_MS, AccountGate } from '../../src/lib/account-gate.ts';
import { manualClock } from '../../src/lib/clock.ts';
import {
  normalizeGroup,
  RateLimiter,
  retryAfterMs,
  safetyMarginMs,
  type RateAnswer,
} from '../../src/lib/rate-limiter.ts';

/** A limiter on a manual clock whose waits move the clock instead of passing real time. */
function limiterOnManualClock(options: ConstructorParameters<typeof RateLimiter>[0] = {}) {
  const clock = manualClock(0);
  const sleep = async (ms: number, signal: AbortSignal) => {
    await new Promise((resolve) => setImmediate(resolve));
    signal.throwIfAborted();
    clock.advance(ms);
  };
  return { clock, limiter: new RateLimiter({ clock, sleep, ...options }) };
}

function answer(status: number, headers: Record<string, string> = {}): RateAnswer {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: { get: (name) => lower.get(name.toLowerCase()) ?? null } };
}

function rateHeaders(group: string, limit: number, remaining: number, windowSeconds: number) {
  return {
    'X-Rate-Limit-Group': group,
    'X-Rate-Limit-Limit': String(limit),
    'X-Rate-Limit-Remaining': String(remaining),
    'X-Rate-Limit-Window': String(windowSeconds),
  };
}

describe('RateLimiter', () => {
  it('starts from the documented defaults: the 11th Heavy request waits a window plus the margin', async () => {
    const { clock, limiter } = limiterOnManualClock();
    for (let i = 0; i < 10; i++) limiter.settle(await limiter.acquire('Heavy'), answer(200));
    expect(clock.now()).toBe(0);
    const permit = await limiter.acquire('Heavy');
    expect(permit.sentAt).toBe(60_000 + safetyMarginMs(60_000));
    expect(limiter.stats()).toMatchObject({ waits: 1, waitedMs: 60_250 });
    expect(limiter.budget('Light')).toEqual({ limit: 50, windowMs: 60_000 });
  });

  it('learns limit and window from the headers of the first answer', async () => {
    const { clock, limiter } = limiterOnManualClock();
    limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 4, 3, 2)));
    for (let i = 0; i < 3; i++) limiter.settle(await limiter.acquire('Heavy'), answer(200));
    expect(clock.now()).toBe(0);
    const permit = await limiter.acquire('Heavy');
    expect(permit.sentAt).toBe(2_000 + safetyMarginMs(2_000));
    expect(limiter.budget('heavy')).toEqual({ limit: 4, windowMs: 2_000 });
  });

  it('moves a request to the group the server names, in whatever case it names it', async () => {
    const { limiter } = limiterOnManualClock({ limits: { Light: 1 } });
    const permit = await limiter.acquire('Light');
    expect(limiter.settle(permit, answer(200, rateHeaders('heavy', 2, 1, 60)))).toBe('Heavy');
    // The Light bucket gave its only slot back…
    expect((await limiter.acquire('Light')).sentAt).toBe(0);
    // …and Heavy holds the moved request: with a limit of 2, the third Heavy request waits.
    limiter.settle(await limiter.acquire('Heavy'), answer(200));
    expect((await limiter.acquire('Heavy')).sentAt).toBe(60_250);
  });

  it('counts requests it did not send when the server says fewer remain', async () => {
    const { limiter } = limiterOnManualClock();
    // Another process already used 7 of 10: after our first, 2 remain.
    limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 10, 2, 60)));
    limiter.settle(await limiter.acquire('Heavy'), answer(200));
    limiter.settle(await limiter.acquire('Heavy'), answer(200));
    const fourth = await limiter.acquire('Heavy');
    expect(fourth.sentAt).toBe(60_000 + safetyMarginMs(60_000));
  });

  it('does not invent requests when the server agrees with its own count', async () => {
    const { clock, limiter } = limiterOnManualClock();
    for (let remaining = 9; remaining >= 0; remaining--) {
      limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 10, remaining, 60)));
    }
    expect(clock.now()).toBe(0);
    expect((await limiter.acquire('Heavy')).sentAt).toBe(60_250);
  });

  it('pauses the whole group for Retry-After after a 429, and 30 s when it is absent', async () => {
    const { limiter } = limiterOnManualClock({ limits: { Heavy: 1000 } });
    const userLevel = rateHeaders('Heavy', 1000, 0, 60);
    limiter.settle(await limiter.acquire('Heavy'), answer(429, { ...userLevel, 'Retry-After': '5' }));
    const afterPenalty = await limiter.acquire('Heavy');
    expect(afterPenalty.sentAt).toBe(5_000);
    limiter.settle(afterPenalty, answer(429, userLevel));
    expect((await limiter.acquire('Heavy')).sentAt).toBe(35_000);
    // Other groups are not paused.
    expect((await limiter.acquire('Light')).sentAt).toBe(35_000);
    expect(limiter.stats().rateLimited).toBe(2);
  });

  it('counts and learns from requests made without a permit (the SDK refreshing its token)', async () => {
    const { limiter } = limiterOnManualClock();
    expect(limiter.observe('auth', answer(200, rateHeaders('Auth', 2, 1, 60)))).toBe('Auth');
    limiter.settle(await limiter.acquire('Auth'), answer(200));
    expect((await limiter.acquire('Auth')).sentAt).toBe(60_250);
  });

  it('lets only one request of a group out until the first answer has taught it the limits', async () => {
    const clock = manualClock(0);
    const sleepUntilWoken = (_ms: number, signal: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    const limiter = new RateLimiter({ clock, sleep: sleepUntilWoken });
    const first = await limiter.acquire('Medium');
    let secondGranted = false;
    const second = limiter.acquire('Medium').then((p) => {
      secondGranted = true;
      return p;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondGranted).toBe(false);
    limiter.settle(first, answer(200, rateHeaders('Medium', 40, 39, 60)));
    await second;
    expect(secondGranted).toBe(true);
  });

  it('stops waiting when the run is aborted', async () => {
    const controller = new AbortController();
    const { limiter } = limiterOnManualClock({ signal: controller.signal });
    limiter.settle(await limiter.acquire('Heavy'), answer(429, { 'Retry-After': '60' }));
    controller.abort(new Error('time box reached'));
    await expect(limiter.acquire('Heavy')).rejects.toThrow('time box reached');
  });

  it('holds the slot of a request in flight until one window after its answer', async () => {
    const { clock, limiter } = limiterOnManualClock();
    limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 1, 0, 2)));
    const slow = await limiter.acquire('Heavy');
    const next = limiter.acquire('Heavy');
    // The request in flight holds its slot however far the clock moves…
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now()).toBeGreaterThan(10_000);
    // …and frees it one window after its answer.
    const answeredAt = clock.now();
    limiter.settle(slow, answer(200));
    expect((await next).sentAt).toBe(answeredAt + 2_000 + safetyMarginMs(2_000));
  });

  describe('against a sliding-window server', () => {
    const limit = 10;
    const windowMs = 2_000;

    /** Runs requests one after another; each arrives `toServer()` ms after it is sent. */
    async function steadyRun(requests: number, toServer: () => number, back: () => number) {
      const { clock, limiter } = limiterOnManualClock();
      const arrivals: number[] = [];
      const sends: number[] = [];
      let refused = 0;
      for (let i = 0; i < requests; i++) {
        const permit = await limiter.acquire('Heavy');
        sends.push(permit.sentAt);
        clock.advance(toServer());
        const now = clock.now();
        const counted = arrivals.filter((t) => t > now - windowMs).length;
        const allowed = counted < limit;
        if (allowed) arrivals.push(now);
        else refused++;
        clock.advance(back());
        const remaining = Math.max(0, limit - counted - (allowed ? 1 : 0));
        const headers = rateHeaders('Heavy', limit, remaining, windowMs / 1000);
        limiter.settle(permit, answer(allowed ? 200 : 429, headers));
      }
      const sustainedRate = (sends.length - limit) / (sends.at(-1)! - sends[0]!);
      return { refused, shareOfCeiling: sustainedRate / (limit / windowMs) };
    }

    function jitter(maxMs: number, seed = 7) {
      let state = seed;
      return () => {
        state = (state * 48271) % 2147483647;
        return state % (maxMs + 1);
      };
    }

    it('is never refused, however long requests take to arrive', async () => {
      const { refused } = await steadyRun(200, jitter(400), jitter(40, 11));
      expect(refused).toBe(0);
    });

    it('uses at least 95 % of the ceiling when answers come quickly', async () => {
      const { refused, shareOfCeiling } = await steadyRun(200, jitter(15), jitter(15, 11));
      expect(refused).toBe(0);
      expect(shareOfCeiling).toBeGreaterThanOrEqual(0.95);
    });
  });
});

describe('rate-limit helpers', () => {
  it('normalizes group names and keeps unknown ones', () => {
    expect(normalizeGroup('light')).toBe('Light');
    expect(normalizeGroup(' HEAVY ')).toBe('Heavy');
    expect(normalizeGroup('Media')).toBe('Media');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('2', 0)).toBe(2_000);
    expect(retryAfterMs(null, 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
  });

  it('keeps a margin of 0.5 % of the window, between 10 ms and 250 ms', () => {
    expect(safetyMarginMs(60_000)).toBe(250);
    expect(safetyMarginMs(10_000)).toBe(50);
    expect(safetyMarginMs(1_000)).toBe(10);
  });
});

describe('the account-level limit', () => {
  it('pauses every user of the company for Retry-After after a 429 without X-Rate-Limit-* headers', async () => {
    const gate = new AccountGate();
    const clock = manualClock(0);
    const sleep = async (ms: number, signal: AbortSignal) => {
      await new Promise((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
      clock.advance(ms);
    };
    const [alice, bob] = [0, 1].map(() => new RateLimiter({ clock, sleep, gate }));
    const inFlight = await bob!.acquire('Light');
    alice!.settle(await alice!.acquire('Heavy'), answer(429, { 'Retry-After': '45' }));
    // The answer of a request already in flight belongs to the same storm; RingCentral may have
    // restarted its penalty when that request arrived, so the pause runs to its Retry-After.
    clock.advance(1_000);
    bob!.settle(inFlight, answer(429, { 'Retry-After': '45' }));
    expect(gate.stats()).toEqual({ storms: 1, answers: 2, pausedMs: 46_000, lastStormAt: 0 });
    // Every user, every group waits for the pause; no bucket took a penalty of its own.
    expect((await bob!.acquire('Medium')).sentAt).toBe(46_000);
    expect((await alice!.acquire('Heavy')).sentAt).toBe(46_000);
  });

  it('waits 60 s when RingCentral sends no Retry-After, and counts a later 429 as a new storm', async () => {
    const { clock, limiter } = limiterOnManualClock();
    limiter.settle(await limiter.acquire('Heavy'), answer(429));
    expect((await limiter.acquire('Light')).sentAt).toBe(ACCOUNT_PAUSE_DEFAULT_MS);
    clock.advance(5_000);
    limiter.settle(await limiter.acquire('Heavy'), answer(429, { 'Retry-After': '2' }));
    expect(limiter.gate.stats()).toMatchObject({ storms: 2, answers: 2, pausedMs: 62_000 });
  });

  it('keeps a user-level 429 (with X-Rate-Limit-* headers) to that user and group', async () => {
    const { limiter } = limiterOnManualClock();
    limiter.settle(
      await limiter.acquire('Heavy'),
      answer(429, { ...rateHeaders('Heavy', 10, 0, 60), 'Retry-After': '60' }),
    );
    expect(limiter.gate.stats().storms).toBe(0);
    expect((await limiter.acquire('Light')).sentAt).toBe(0);
    expect(limiter.readyIn('Heavy')).toBe(60_000);
  });
});
