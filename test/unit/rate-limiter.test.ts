import { describe, expect, it } from 'vitest';
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
    expect(limiter.stats()).toMatchObject({ waits: 1, waitedMs: 61_000 });
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
    expect((await limiter.acquire('Heavy')).sentAt).toBe(61_000);
  });

  it('counts requests it did not send when the server says fewer remain', async () => {
    const { limiter } = limiterOnManualClock();
    // Another process already used 7 of 10: after our first, 2 remain.
    limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 10, 2, 60)));
    limiter.settle(await limiter.acquire('Heavy'), answer(200));
    limiter.settle(await limiter.acquire('Heavy'), answer(200));
    const fourth = await limiter.acquire('Heavy');
    expect(fourth.sentAt).toBe(61_000);
  });

  it('does not invent requests when the server agrees with its own count', async () => {
    const { clock, limiter } = limiterOnManualClock();
    for (let remaining = 9; remaining >= 0; remaining--) {
      limiter.settle(await limiter.acquire('Heavy'), answer(200, rateHeaders('Heavy', 10, remaining, 60)));
    }
    expect(clock.now()).toBe(0);
    expect((await limiter.acquire('Heavy')).sentAt).toBe(61_000);
  });

  it('pauses the whole group for Retry-After after a 429, and 30 s when it is absent', async () => {
    const { limiter } = limiterOnManualClock({ limits: { Heavy: 1000 } });
    limiter.settle(await limiter.acquire('Heavy'), answer(429, { 'Retry-After': '5' }));
    const afterPenalty = await limiter.acquire('Heavy');
    expect(afterPenalty.sentAt).toBe(5_000);
    limiter.settle(afterPenalty, answer(429));
    expect((await limiter.acquire('Heavy')).sentAt).toBe(35_000);
    // Other groups are not paused.
    expect((await limiter.acquire('Light')).sentAt).toBe(35_000);
    expect(limiter.stats().rateLimited).toBe(2);
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

  it('keeps a steady run inside a sliding-window server with jittery latency and uses ≥ 95 % of it', async () => {
    const limit = 10;
    const windowMs = 2_000;
    const { clock, limiter } = limiterOnManualClock();
    const arrivals: number[] = [];
    let refused = 0;
    let seed = 7;
    const jitter = () => {
      seed = (seed * 48271) % 2147483647;
      return seed % 40; // 0–39 ms each way
    };
    const sends: number[] = [];
    for (let i = 0; i < 200; i++) {
      const permit = await limiter.acquire('Heavy');
      sends.push(permit.sentAt);
      clock.advance(jitter());
      const now = clock.now();
      const inWindow = arrivals.filter((t) => t > now - windowMs).length;
      const allowed = inWindow < limit;
      if (allowed) arrivals.push(now);
      else refused++;
      clock.advance(jitter());
      const remaining = Math.max(0, limit - inWindow - (allowed ? 1 : 0));
      const headers = rateHeaders('Heavy', limit, remaining, windowMs / 1000);
      limiter.settle(permit, answer(allowed ? 200 : 429, headers));
    }
    expect(refused).toBe(0);
    const sustainedRate = (sends.length - limit) / (sends.at(-1)! - sends[0]!);
    expect(sustainedRate / (limit / windowMs)).toBeGreaterThanOrEqual(0.95);
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

  it('keeps a margin of 2 % of the window, between 50 ms and 1 s', () => {
    expect(safetyMarginMs(60_000)).toBe(1_000);
    expect(safetyMarginMs(10_000)).toBe(200);
    expect(safetyMarginMs(1_000)).toBe(50);
  });
});
