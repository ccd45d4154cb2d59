/**
 * RingCentral's limits beyond the user: an account-level (emergency) limit per account and app,
 * and global defensive ones. Their 429 carries no `X-Rate-Limit-*` headers ("a 429 without them is
 * another limit: back off the whole account"), so one such answer pauses every user of the company,
 * not only the group of the user who got it. The gate is shared by the rate limiters of all the
 * company's users; each of them waits while it is closed.
 *
 * A storm is one closing of the gate. Answers that arrive while it is closed came from requests
 * already in flight when the first one came back: they belong to the same storm, and the pause
 * runs to the last of them plus its Retry-After — RingCentral may have restarted its penalty when
 * they arrived. Nothing is sent while the gate is closed, so the company's own requests never
 * restart the penalty again: no cascade.
 */

/** Without `Retry-After`, sit out a whole minute: RingCentral's penalty is 60 s ("retry in 30 s or later"). */
export const ACCOUNT_PAUSE_DEFAULT_MS = 60_000;

export interface AccountGateStats {
  /** Times the gate closed. */
  storms: number;
  /** 429 answers without X-Rate-Limit-* headers, storms' first answers included. */
  answers: number;
  /** Milliseconds the company was paused in all. */
  pausedMs: number;
  /** When the last storm began (ms), null before the first. */
  lastStormAt: number | null;
}

export class AccountGate {
  private pausedUntil = 0;
  private readonly figures: AccountGateStats = { storms: 0, answers: 0, pausedMs: 0, lastStormAt: null };
  private readonly listeners = new Set<() => void>();

  /** Milliseconds until requests may be sent again (0: open). */
  delay(now: number): number {
    return Math.max(0, this.pausedUntil - now);
  }

  /** An account-level 429 arrived at `now`; `retryAfterMs` null when RingCentral sent none. */
  closed(now: number, retryAfterMs: number | null): void {
    this.figures.answers += 1;
    const until = now + (retryAfterMs ?? ACCOUNT_PAUSE_DEFAULT_MS);
    if (now < this.pausedUntil) {
      // An answer of the storm already being sat out: the pause runs to its Retry-After, if later.
      this.figures.pausedMs += Math.max(0, until - this.pausedUntil);
      this.pausedUntil = Math.max(this.pausedUntil, until);
      return;
    }
    this.figures.storms += 1;
    this.figures.lastStormAt = now;
    this.figures.pausedMs += until - now;
    this.pausedUntil = until;
    for (const listener of [...this.listeners]) listener();
  }

  /** Told when the gate closes (waiters re-check how long to wait). */
  onClose(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): AccountGateStats {
    return { ...this.figures };
  }
}

/** Whether a 429 came from a limit other than the user's: RingCentral sent none of its headers. */
export function isAccountLevel(headers: { get(name: string): string | null }): boolean {
  return ['x-rate-limit-group', 'x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-window'].every(
    (name) => headers.get(name) === null,
  );
}
