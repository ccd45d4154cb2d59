/**
 * RingCentral's user-level rate limits: one sliding window per (user, app, group). Past the limit
 * the bucket enters a penalty of one window, and every request made during the penalty restarts
 * it ("With each new request the penalty interval is reset").
 */
import type { RateGroup } from './options.ts';

export interface RateDecision {
  allowed: boolean;
  group: RateGroup;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Whole seconds until the penalty ends (only when refused). */
  retryAfter?: number;
}

interface Bucket {
  times: number[];
  penaltyUntil: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limitOf: (group: RateGroup) => number;
  private readonly windowSeconds: () => number;

  constructor(limitOf: (group: RateGroup) => number, windowSeconds: () => number) {
    this.limitOf = limitOf;
    this.windowSeconds = windowSeconds;
  }

  hit(key: string, group: RateGroup, now: number): RateDecision {
    const windowSeconds = this.windowSeconds();
    const windowMs = windowSeconds * 1000;
    const limit = this.limitOf(group);
    const id = `${key}|${group}`;
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = { times: [], penaltyUntil: 0 }));
    const refuse = (): RateDecision => {
      bucket.penaltyUntil = now + windowMs;
      return {
        allowed: false,
        group,
        limit,
        remaining: 0,
        windowSeconds,
        retryAfter: Math.ceil(windowSeconds),
      };
    };
    if (now < bucket.penaltyUntil) return refuse();
    while (bucket.times.length > 0 && bucket.times[0]! <= now - windowMs) bucket.times.shift();
    if (bucket.times.length >= limit) return refuse();
    bucket.times.push(now);
    return { allowed: true, group, limit, remaining: limit - bucket.times.length, windowSeconds };
  }

  /** Headers without counting (for answers given before a user is known). */
  peek(group: RateGroup): RateDecision {
    const limit = this.limitOf(group);
    return { allowed: true, group, limit, remaining: limit, windowSeconds: this.windowSeconds() };
  }

  reset(): void {
    this.buckets.clear();
  }
}

export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  return {
    'X-Rate-Limit-Group': d.group,
    'X-Rate-Limit-Limit': String(d.limit),
    'X-Rate-Limit-Remaining': String(d.remaining),
    'X-Rate-Limit-Window': String(d.windowSeconds),
  };
}
