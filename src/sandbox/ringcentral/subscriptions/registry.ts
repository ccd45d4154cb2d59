/**
 * The subscriptions one simulator holds. A subscription belongs to the (account, extension, app)
 * that created it: RingCentral lists "subscriptions created by the user for the current authorized
 * client application" and allows 30 of them per user and app (spec, createSubscription). An
 * expired subscription is gone: it is no longer listed, found or delivered to.
 */
import type { ParsedFilter } from './filters.ts';

export interface DisabledFilter {
  filter: string;
  reason: string;
  message: string;
}

export interface SimSubscription {
  id: string;
  accountId: string;
  /** The extension whose token created it (`ownerId` in notifications). */
  ownerId: number;
  clientId: string;
  /** Enabled filters, `~` expanded, in the order given; `parsed` is parallel to it. */
  eventFilters: string[];
  parsed: ParsedFilter[];
  disabledFilters: DisabledFilter[];
  address: string;
  verificationToken: string | null;
  creationTime: number;
  /** The lifetime asked for at creation or at the last update; renewals extend by it. */
  lifetimeSeconds: number;
  expirationTime: number;
  status: 'Active' | 'Blacklisted';
  blacklistedData: { blacklistedAt: number; reason: string } | null;
  /** Start of the current run of failed deliveries (null after a success). */
  failingSince: number | null;
}

export class SubscriptionRegistry {
  private readonly byId = new Map<string, SimSubscription>();

  /** Drops what has expired at `now`; returns the rest. */
  private live(now: number): SimSubscription[] {
    const out: SimSubscription[] = [];
    for (const sub of this.byId.values()) {
      if (sub.expirationTime <= now) this.byId.delete(sub.id);
      else out.push(sub);
    }
    return out;
  }

  add(sub: SimSubscription): void {
    this.byId.set(sub.id, sub);
  }

  get(id: string, now: number): SimSubscription | undefined {
    const sub = this.byId.get(id);
    if (sub && sub.expirationTime <= now) {
      this.byId.delete(id);
      return undefined;
    }
    return sub;
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }

  ownedBy(owner: { accountId: string; ownerId: number; clientId: string }, now: number): SimSubscription[] {
    return this.live(now).filter(
      (s) => s.accountId === owner.accountId && s.ownerId === owner.ownerId && s.clientId === owner.clientId,
    );
  }

  ofAccount(accountId: string | undefined, now: number): SimSubscription[] {
    return this.live(now).filter((s) => accountId === undefined || s.accountId === accountId);
  }
}
