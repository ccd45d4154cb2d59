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
 * When a slot is free again: the server counts a request when it arrives, at some moment between
 * our send and its answer, and how long that takes varies (a slow network, a busy event loop). A
 * window counted from the send would be unsafe whatever margin it kept; counted from the answer
 * it is safe for any latency, because the server counted the request before it answered. A slot
 * is therefore busy from the send until one window after the answer (plus a margin of 0.5 % of the
 * window, 10–250 ms, for clock rounding), and a request still in flight holds its slot. A steady
 * run loses one round trip per window: over 99 % of the budget at RingCentral's 60-second windows.
 *
 * Why not a library: the limiters on npm (bottleneck, p-throttle, limiter) keep a fixed reservoir;
 * none learns limit and window from response headers, infers unseen requests from a remaining
 * count, or pauses one group for a server penalty.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { AccountGate, isAccountLevel } from './account-gate.ts';
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
const DEFAULT_WINDOW_MS = 60_000;
/** RingCentral's guide: without `Retry-After`, wait 30 seconds or more after a 429. */
export const DEFAULT_PENALTY_MS = 30_000;

/** `light` → `Light`; names RingCentral may introduce later are kept as they are. */
export function normalizeGroup(name: string): string {
  const known = RATE_GROUPS.find((g) => g.toLowerCase() === name.trim().toLowerCase());
  return known ?? name.trim();
}

export function safetyMarginMs(windowMs: number): number {
  return Math.min(250, Math.max(10, windowMs * 0.005));
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

interface HeaderReader {
  get(name: string): string | null;
}

/** The part of an HTTP answer the limiter reads. */
export interface RateAnswer {
  status: number;
  headers: HeaderReader;
}

/** A slot handed out by `acquire`; give it back with `settle` once the answer (or none) is known. */
interface Permit {
  readonly group: string;
  readonly sentAt: number;
}

/** A request the server may still count: ours, or one we inferred from the remaining count. */
interface Slot {
  group: string;
  sentAt: number;
  /** When its answer (or failure) came; null while in flight. */
  settledAt: number | null;
}

interface GroupStats {
  limit: number;
  windowMs: number;
  waits: number;
  waitedMs: number;
  rateLimited: number;
}

interface RateLimiterStats {
  waits: number;
  waitedMs: number;
  rateLimited: number;
  groups: Record<string, GroupStats>;
}

interface RateLimiterOptions {
  clock?: Clock;
  /** Stops every wait (the run's time box or shutdown). */
  signal?: AbortSignal;
  /** How to wait; tests pass one that moves a manual clock. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  limits?: Partial<Record<RateGroup, number>>;
  windowMs?: number;
  /**
   * The company-wide pause after a 429 without X-Rate-Limit-* headers, shared by the limiters of
   * every user of the company (account-gate.ts). Default: one of its own.
   */
  gate?: AccountGate;
}

interface Bucket {
  limit: number;
  windowMs: number;
  answered: boolean;
  inFlight: number;
  slots: Slot[];
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
  private readonly watchers = new Set<() => void>();
  readonly gate: AccountGate;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.signal = options.signal;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.limits = { ...DEFAULT_RATE_LIMITS, ...options.limits };
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.gate = options.gate ?? new AccountGate();
    // A storm closes the gate: waiters wake and wait for it instead of their bucket.
    this.gate.onClose(() => {
      for (const bucket of this.buckets.values()) this.notify(bucket);
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** Calls `listener` whenever a slot may have freed or a wait changed (an answer, a storm). */
  watch(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** Milliseconds until a request of `group` could be sent (Infinity: waiting for an answer). */
  readyIn(groupName: string): number {
    return this.delay(this.bucket(normalizeGroup(groupName)), this.clock.now());
  }

  /**
   * Waits until a request of `group` can be sent without risking a 429, and reserves the slot.
   * `waitingSince`: when the caller began waiting for it elsewhere (a pool choosing among users),
   * so the wait is counted whole.
   */
  async acquire(groupName: string, signal?: AbortSignal, waitingSince?: number): Promise<Permit> {
    const group = normalizeGroup(groupName);
    const bucket = this.bucket(group);
    const stop = anySignal(this.signal, signal);
    const started = waitingSince ?? this.clock.now();
    for (;;) {
      stop?.throwIfAborted();
      const now = this.clock.now();
      const delay = this.delay(bucket, now);
      if (delay <= 0) {
        const slot: Slot = { group, sentAt: now, settledAt: null };
        bucket.slots.push(slot);
        bucket.inFlight++;
        if (now > started) {
          bucket.stats.waits++;
          bucket.stats.waitedMs += now - started;
        }
        return slot;
      }
      // Waiting for an answer has no known end: wake on settle, re-check after a window.
      await this.waitOrWake(bucket, Number.isFinite(delay) ? delay : bucket.windowMs, stop);
    }
  }

  /**
   * Records the answer to a permitted request (null: no answer, e.g. a network error) and learns
   * from its headers. Returns the group the server counted the request in.
   */
  settle(permit: Permit, answer: RateAnswer | null): string {
    const now = this.clock.now();
    const slot = permit as Slot;
    if (slot.settledAt !== null) return slot.group; // settled already
    let bucket = this.bucket(slot.group);
    bucket.inFlight = Math.max(0, bucket.inFlight - 1);
    slot.settledAt = now;
    if (answer) {
      const named = answer.headers.get('x-rate-limit-group');
      if (named && normalizeGroup(named) !== slot.group) {
        bucket.slots = bucket.slots.filter((s) => s !== slot);
        this.notify(bucket);
        slot.group = normalizeGroup(named);
        bucket = this.bucket(slot.group);
        bucket.slots.push(slot);
      }
      bucket.answered = true;
      const limit = positiveNumber(answer.headers.get('x-rate-limit-limit'));
      const windowSeconds = positiveNumber(answer.headers.get('x-rate-limit-window'));
      if (limit !== null) bucket.limit = Math.floor(limit);
      if (windowSeconds !== null) bucket.windowMs = windowSeconds * 1000;
      if (answer.status === 429 && isAccountLevel(answer.headers)) {
        // Not this user's limit: the whole company waits (account-gate.ts), this bucket is fine.
        this.gate.closed(now, retryAfterMs(answer.headers.get('retry-after'), now));
        bucket.stats.rateLimited++;
      } else if (answer.status === 429) {
        // Silence for the whole penalty: any request during it would restart it.
        const penalty = retryAfterMs(answer.headers.get('retry-after'), now) ?? DEFAULT_PENALTY_MS;
        bucket.penaltyUntil = Math.max(bucket.penaltyUntil, now + penalty);
        bucket.stats.rateLimited++;
      } else {
        const remaining = nonNegativeNumber(answer.headers.get('x-rate-limit-remaining'));
        if (remaining !== null) this.countUnseen(bucket, slot, now, remaining);
      }
    }
    this.notify(bucket);
    return slot.group;
  }

  /**
   * The answer to a request sent without a permit (the SDK refreshing its token on its own):
   * counted as sent now, and learned from like any other.
   */
  observe(groupName: string, answer: RateAnswer): string {
    const group = normalizeGroup(groupName);
    const now = this.clock.now();
    const bucket = this.bucket(group);
    const slot: Slot = { group, sentAt: now, settledAt: null };
    bucket.slots.push(slot);
    bucket.inFlight++;
    return this.settle(slot, answer);
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
        slots: [],
        penaltyUntil: 0,
        wake: new Set(),
        stats: { limit, windowMs: this.windowMs, waits: 0, waitedMs: 0, rateLimited: 0 },
      };
      this.buckets.set(group, bucket);
    }
    return bucket;
  }

  /** Milliseconds until a send is safe; Infinity until an answer frees a slot. */
  private delay(bucket: Bucket, now: number): number {
    const gated = this.gate.delay(now);
    if (gated > 0) return Math.max(gated, bucket.penaltyUntil - now);
    if (now < bucket.penaltyUntil) return bucket.penaltyUntil - now;
    if (!bucket.answered && bucket.inFlight > 0) return Infinity;
    this.dropFreeSlots(bucket, now);
    if (bucket.slots.length < bucket.limit) return 0;
    const frees = bucket.slots.map((slot) => this.freeAt(bucket, slot)).sort((a, b) => a - b);
    return frees[bucket.slots.length - bucket.limit]! - now;
  }

  private freeAt(bucket: Bucket, slot: Slot): number {
    if (slot.settledAt === null) return Infinity;
    return slot.settledAt + bucket.windowMs + safetyMarginMs(bucket.windowMs);
  }

  private dropFreeSlots(bucket: Bucket, now: number): void {
    bucket.slots = bucket.slots.filter((slot) => this.freeAt(bucket, slot) > now);
  }

  /**
   * The server counted `limit - remaining` requests when this one arrived (after it was sent). Any
   * slot not yet free at the send may be among them; the excess came from elsewhere (another
   * worker, the SDK's own re-send after a 401) and holds a slot from now on.
   */
  private countUnseen(bucket: Bucket, answered: Slot, now: number, remaining: number): void {
    const known = bucket.slots.filter((slot) => this.freeAt(bucket, slot) > answered.sentAt).length;
    const unseen = bucket.limit - remaining - known;
    for (let i = 0; i < unseen; i++)
      bucket.slots.push({ group: answered.group, sentAt: now, settledAt: now });
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
    for (const watcher of [...this.watchers]) watcher();
  }
}

/** One signal that aborts when any of the given ones does (undefined when none is given). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function positiveNumber(value: string | null): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function nonNegativeNumber(value: string | null): number | null {
  const n = value === null || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
