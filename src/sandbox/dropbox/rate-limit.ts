import type { SimClock } from './clock.ts';
import { tooManyRequests, type Reply } from './errors.ts';
import type { Faults } from './faults.ts';

/**
 * Dropbox's `too_many_requests`: a limit per OAuth token, which for a user-linked app means per app
 * and user. Requests that are refused still count, as Dropbox's performance guide says they do.
 */
export class RateLimiter {
  readonly #faults: Faults;
  readonly #clock: SimClock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(faults: Faults, clock: SimClock) {
    this.#faults = faults;
    this.#clock = clock;
  }

  /** A 429 reply for this call, or null when it may proceed. */
  check(appKey: string, accountId: string): Reply | null {
    const config = this.#faults.tooManyRequests;
    if (!config) return null;
    if (config.next > 0) {
      config.next -= 1;
      return tooManyRequests(config.retryAfterSeconds ?? 1, config.plainText);
    }
    if (config.limit === null) return null;
    const now = this.#clock.now();
    const windowMs = config.windowSeconds * 1000;
    const key = `${appKey} ${accountId}`;
    let window = this.#windows.get(key);
    if (!window || now - window.start >= windowMs)
      this.#windows.set(key, (window = { start: now, count: 0 }));
    window.count += 1;
    if (window.count <= config.limit) return null;
    const left = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return tooManyRequests(config.retryAfterSeconds ?? left, config.plainText);
  }
}
