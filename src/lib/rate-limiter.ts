/**
 * A proactive rate limiter for one RingCentral user (one tenant's token): one sliding window per
 * rate-limit group, so that a steady run spends the whole budget and never sees a 429 — a 429
 * costs a penalty that every further request in the group restarts.
 *
 * It starts from RingCentral's documented defaults and learns the real figures from every answer:
 * `X-Rate-Limit-Limit` / `-Window` replace the defaults, `X-Rate-Limit-Group` moves a request to
 * the group the server actually counted it in (names may arrive in lower case), and
 * `X-Rate-Limit-Remaining` reveals requests this process did not make (another worker, the web
 * process, the SDK's own retry after a 401), which are then counted as if sent with the answered
 * request. Until a group has been answered once, only one request of it is in flight, so a
 * tenant with lower custom limits is not hit by a burst sized for the defaults.
 *
 * A request counts against the window `windowMs + margin`, not `windowMs`: the server counts a
 * request when it arrives, and arrival latency varies, so a slot freed exactly one window after
 * the previous send could still be occupied on the server. The margin (2 % of the window, at
 * least 50 ms, at most 1 s) costs under 2.5 % of throughput.
 *
 * Why not a library: the limiters on npm (bottleneck, p-throttle, limiter) keep a fixed reservoir;
 * none learns limit and window from response headers, infers unseen requests from a remaining
 * count, or pauses one group for a server penalty.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { systemClock, type Clock } from './clock.ts';

export type RateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';

export const RATE_GROUPS: readonly RateGroup[] = ['Light', 'Medium', 'Heavy', 'Auth'];

/** RingCentral's published defaults per user and app ("an example only": the headers win). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateGroup, number>> = {
  Light: 50,
  Medium: 40,
  Heavy: 10,
  Auth: 5,
};
export const DEFAULT_WINDOW_MS = 60_000;
/** RingCentral's guide: without `Retry-After`, wait 30 seconds or more after a 429. */
export const DEFAULT_PENALTY_MS = 30_000;

/** `light` → `Light`; names RingCentral may introduce later are kept as they are. */
export function normalizeGroup(name: string): string {
  const known = RATE_GROUPS.find((g) => g.toLowerCase() === name.trim().toLowerCase());
  return known ?? name.trim();
}

export function safetyMarginMs(windowMs: number): number {
  return Math.min(1_000, Math.max(50, windowMs * 0.02));
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export interface HeaderReader {
  get(name: string): string | null;
}

/** The part of an HTTP answer the limiter reads. */
export interface RateAnswer {
  status: number;
  headers: HeaderReader;
}

/** A slot handed out by `acquire`; give it back with `settle` once the answer (or none) is known. */
export interface Permit {
  readonly group: string;
  readonly sentAt: number;
}

export interface GroupStats {
  limit: number;
  windowMs: number;
  waits: number;
  waitedMs: number;
  rateLimited: number;
}

export interface RateLimiterStats {
  waits: number;
  waitedMs: number;
  rateLimited: number;
  groups: Record<string, GroupStats>;
}

export interface RateLimiterOptions {
  clock?: Clock;
  /** Stops every wait (the run's time box or shutdown). */
  signal?: AbortSignal;
  /** How to wait; tests pass one that moves a manual clock. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  limits?: Partial<Record<RateGroup, number>>;
  windowMs?: number;
}

interface Bucket {
  limit: number;
  windowMs: number;
  answered: boolean;
  inFlight: number;
  /** Send times (ascending) of requests the server may still count, ours and inferred. */
  sends: number[];
  penaltyUntil: number;
  wake: Set<() => void>;
  stats: GroupStats;
}

export class RateLimiter {
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly limits: Record<string, number>;
  private readonly windowMs: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.signal = options.signal;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.limits = { ...DEFAULT_RATE_LIMITS, ...options.limits };
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** Waits until a request of `group` can be sent without risking a 429, and reserves the slot. */
  async acquire(groupName: string, signal?: AbortSignal): Promise<Permit> {
    const group = normalizeGroup(groupName);
    const bucket = this.bucket(group);
    const stop = anySignal(this.signal, signal);
    const started = this.clock.now();
    for (;;) {
      stop?.throwIfAborted();
      const now = this.clock.now();
      const delay = this.delay(bucket, now);
      if (delay <= 0) {
        insertSorted(bucket.sends, now);
        bucket.inFlight++;
        if (now > started) {
          bucket.stats.waits++;
          bucket.stats.waitedMs += now - started;
        }
        return { group, sentAt: now };
      }
      // Waiting for the first answer has no known end: wake on settle, re-check after a window.
      await this.waitOrWake(bucket, Number.isFinite(delay) ? delay : bucket.windowMs, stop);
    }
  }

  /**
   * Records the answer to a permitted request (null: no answer, e.g. a network error) and learns
   * from its headers. Returns the group the server counted the request in.
   */
  settle(permit: Permit, answer: RateAnswer | null): string {
    const now = this.clock.now();
    let bucket = this.bucket(permit.group);
    bucket.inFlight = Math.max(0, bucket.inFlight - 1);
    let group = permit.group;
    if (answer) {
      const named = answer.headers.get('x-rate-limit-group');
      if (named && normalizeGroup(named) !== group) {
        group = normalizeGroup(named);
        removeOne(bucket.sends, permit.sentAt);
        this.notify(bucket);
        bucket = this.bucket(group);
        insertSorted(bucket.sends, permit.sentAt);
      }
      bucket.answered = true;
      const limit = positiveNumber(answer.headers.get('x-rate-limit-limit'));
      const windowSeconds = positiveNumber(answer.headers.get('x-rate-limit-window'));
      if (limit !== null) bucket.limit = Math.floor(limit);
      if (windowSeconds !== null) bucket.windowMs = windowSeconds * 1000;
      if (answer.status === 429) {
        // Silence for the whole penalty: any request during it would restart it.
        const penalty = retryAfterMs(answer.headers.get('retry-after'), now) ?? DEFAULT_PENALTY_MS;
        bucket.penaltyUntil = Math.max(bucket.penaltyUntil, now + penalty);
        bucket.stats.rateLimited++;
      } else {
        const remaining = nonNegativeNumber(answer.headers.get('x-rate-limit-remaining'));
        if (remaining !== null) this.countUnseen(bucket, permit.sentAt, remaining);
      }
    }
    this.notify(bucket);
    return group;
  }

  /** Current limit and window of a group (the mailbox planner sizes its work with them). */
  budget(groupName: string): { limit: number; windowMs: number } {
    const bucket = this.bucket(normalizeGroup(groupName));
    return { limit: bucket.limit, windowMs: bucket.windowMs };
  }

  stats(): RateLimiterStats {
    const groups: Record<string, GroupStats> = {};
    let waits = 0;
    let waitedMs = 0;
    let rateLimited = 0;
    for (const [name, bucket] of this.buckets) {
      groups[name] = { ...bucket.stats, limit: bucket.limit, windowMs: bucket.windowMs };
      waits += bucket.stats.waits;
      waitedMs += bucket.stats.waitedMs;
      rateLimited += bucket.stats.rateLimited;
    }
    return { waits, waitedMs, rateLimited, groups };
  }

  private bucket(group: string): Bucket {
    let bucket = this.buckets.get(group);
    if (!bucket) {
      // A group RingCentral renamed or added starts at the strictest default until answered.
      const limit = this.limits[group] ?? Math.min(...Object.values(this.limits));
      bucket = {
        limit,
        windowMs: this.windowMs,
        answered: false,
        inFlight: 0,
        sends: [],
        penaltyUntil: 0,
        wake: new Set(),
        stats: { limit, windowMs: this.windowMs, waits: 0, waitedMs: 0, rateLimited: 0 },
      };
      this.buckets.set(group, bucket);
    }
    return bucket;
  }

  /** Milliseconds until a send is safe; Infinity while the first request awaits its answer. */
  private delay(bucket: Bucket, now: number): number {
    if (now < bucket.penaltyUntil) return bucket.penaltyUntil - now;
    if (!bucket.answered && bucket.inFlight > 0) return Infinity;
    const span = bucket.windowMs + safetyMarginMs(bucket.windowMs);
    while (bucket.sends.length > 0 && bucket.sends[0]! <= now - span) bucket.sends.shift();
    if (bucket.sends.length < bucket.limit) return 0;
    return bucket.sends[bucket.sends.length - bucket.limit]! + span - now;
  }

  /** The server saw `limit - remaining` requests up to this one; count the ones we did not send. */
  private countUnseen(bucket: Bucket, sentAt: number, remaining: number): void {
    const span = bucket.windowMs + safetyMarginMs(bucket.windowMs);
    const serverCount = bucket.limit - remaining;
    const known = bucket.sends.filter((t) => t > sentAt - span && t <= sentAt).length;
    for (let i = known; i < serverCount; i++) insertSorted(bucket.sends, sentAt);
  }

  private async waitOrWake(bucket: Bucket, ms: number, stop: AbortSignal | undefined): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    bucket.wake.add(wake);
    const signal = stop ? AbortSignal.any([stop, woken.signal]) : woken.signal;
    try {
      await this.sleep(ms, signal);
    } catch (error) {
      if (stop?.aborted) throw stop.reason;
      if (!woken.signal.aborted) throw error;
    } finally {
      bucket.wake.delete(wake);
    }
  }

  private notify(bucket: Bucket): void {
    for (const wake of [...bucket.wake]) wake();
  }
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i--;
  list.splice(i, 0, value);
}

function removeOne(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}

function positiveNumber(value: string | null): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function nonNegativeNumber(value: string | null): number | null {
  const n = value === null || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
