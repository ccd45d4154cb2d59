/**
 * The connected RingCentral users of one company, as the API client spends their budgets.
 * RingCentral counts rate limits per (user, app) and group, so each user brings budgets of their
 * own: Heavy work (call-log pages, recording content) and Medium work (message attachments) go to
 * whichever healthy user can send soonest; work only the company's admin connection may do (other
 * users' mailboxes, the message-store export, the extension list) stays with it. A user whose grant
 * is lost, or who lacks the role, is set aside for the rest of the run; the others carry on.
 */
import type { RateLimiter } from '../../lib/rate-limiter.ts';
import type { Platform } from './api.ts';

export interface ApiUser {
  /** '' for the company's own admin connection, else the RingCentral extension id. */
  id: string;
  /** What the admin recognises ("Jane Doe (ext. 102)"). */
  label: string;
  platform: Platform;
  /** One limiter per user; the limiters of one company share one account gate. */
  limiter: RateLimiter;
  /** The company's admin connection: admin-only work goes here. */
  admin: boolean;
}

/** Routes (rate-groups.ts) any connected user with the company call log and recordings role may serve. */
const SHARED_ROUTES: ReadonlySet<string> = new Set(['call-log', 'recording', 'message-content']);

export interface PooledUser extends ApiUser {
  /** Why the user was set aside, or null while healthy. */
  setAside: string | null;
}

export class UserPool {
  readonly users: PooledUser[];
  private turn = 0;
  /**
   * Callers waiting for a permit, per group and kind of route, in the order they asked: the
   * earliest goes first, so under pressure the work sent first (the recordings RingCentral deletes
   * next, transfer-order.ts) is also served first instead of whichever waiter wakes first.
   */
  private readonly queues = new Map<string, Array<{ go: () => void }>>();
  private readonly onSetAside: (user: ApiUser, reason: string) => void;

  constructor(users: readonly ApiUser[], onSetAside: (user: ApiUser, reason: string) => void = () => {}) {
    if (!users.some((u) => u.admin)) throw new Error('the RingCentral user pool needs the admin connection');
    if (users.some((u) => u.limiter.gate !== users[0]!.limiter.gate))
      throw new Error("one company's users share one account gate: an account-level 429 pauses them all");
    this.users = users.map((u) => ({ ...u, setAside: null }));
    this.onSetAside = onSetAside;
  }

  /** Users who may serve a request of this route now. */
  eligible(route: string): PooledUser[] {
    const shared = SHARED_ROUTES.has(route);
    return this.users.filter((u) => u.setAside === null && (u.admin || shared));
  }

  healthy(): PooledUser[] {
    return this.users.filter((u) => u.setAside === null);
  }

  /**
   * A permit from the user who can send soonest (ties go round, so the work spreads evenly). A
   * user set aside while its caller waited gives the permit back and the choice is made again.
   */
  async acquire(
    route: string,
    group: string,
    stop: AbortSignal | undefined,
  ): Promise<{ user: PooledUser; permit: Awaited<ReturnType<RateLimiter['acquire']>> }> {
    const since = this.users[0]!.limiter.now();
    const queueKey = `${group}\u0000${SHARED_ROUTES.has(route)}`;
    let queue = this.queues.get(queueKey);
    if (!queue) this.queues.set(queueKey, (queue = []));
    const place = { go: () => {} };
    const turn = new Promise<void>((resolve) => (place.go = resolve));
    queue.push(place);
    if (queue[0] === place) place.go();
    try {
      await abortable(turn, stop);
      return await this.choose(route, group, stop, since);
    } finally {
      const at = queue.indexOf(place);
      if (at >= 0) queue.splice(at, 1);
      if (at === 0) queue[0]?.go();
      if (queue.length === 0) this.queues.delete(queueKey);
    }
  }

  private async choose(
    route: string,
    group: string,
    stop: AbortSignal | undefined,
    since: number,
  ): Promise<{ user: PooledUser; permit: Awaited<ReturnType<RateLimiter['acquire']>> }> {
    for (;;) {
      stop?.throwIfAborted();
      const eligible = this.eligible(route);
      if (eligible.length === 0) throw new Error('no connected RingCentral user may make this request');
      const start = this.turn++ % eligible.length;
      let best = eligible[start]!;
      let soonest = best.limiter.readyIn(group);
      for (let i = 1; i < eligible.length && soonest > 0; i += 1) {
        const user = eligible[(start + i) % eligible.length]!;
        const delay = user.limiter.readyIn(group);
        if (delay < soonest) [best, soonest] = [user, delay];
      }
      // Nobody can send yet: wait for the first slot to free, whoever's it is, then choose again.
      // (Waiting on one user's queue would leave the others' budgets unused meanwhile.)
      if (soonest > 0) {
        await firstChange(eligible, soonest, stop);
        continue;
      }
      const permit = await best.limiter.acquire(group, stop, since);
      return { user: best, permit };
    }
  }

  /** Sets a user aside for this run (never the admin connection: its loss stops the run). */
  setAside(user: PooledUser, reason: string): void {
    if (user.admin || user.setAside !== null) return;
    user.setAside = reason;
    this.onSetAside(user, reason);
  }
}

/** The promise, or the stop's reason as soon as the stop comes. */
function abortable(promise: Promise<void>, stop: AbortSignal | undefined): Promise<void> {
  if (!stop) return promise;
  stop.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(stop.reason instanceof Error ? stop.reason : new Error('aborted'));
    stop.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        stop.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        stop.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves after `ms` (when finite) or as soon as any of the users' limiters changes. */
function firstChange(users: readonly PooledUser[], ms: number, stop: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const unwatch = users.map((u) => u.limiter.watch(() => finish()));
    const timer = Number.isFinite(ms) ? setTimeout(() => finish(), ms) : null;
    const onAbort = () => finish(stop!.reason instanceof Error ? stop!.reason : new Error('aborted'));
    stop?.addEventListener('abort', onAbort, { once: true });
    function finish(reason?: Error): void {
      for (const off of unwatch) off();
      if (timer) clearTimeout(timer);
      stop?.removeEventListener('abort', onAbort);
      if (reason === undefined) resolve();
      else reject(reason);
    }
  });
}
