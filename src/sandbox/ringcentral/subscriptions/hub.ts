/**
 * Turns account changes into WebHook notifications and delivers them. Every live, Active
 * subscription of the account gets one notification per enabled filter that matches. A delivery
 * answered with anything but 2xx (or not answered within the timeout) is retried with growing
 * delays; a subscription whose deliveries keep failing for `blacklistAfterMs` (ten minutes, after
 * RingCentral staff on the developer forum) is Blacklisted: it stops receiving anything until it
 * is deleted and created again (guide: notifications/webhooks/troubleshooting). The `dropNotifications`
 * fault loses a share of notifications before their first attempt; `duplicateNotifications` sends
 * a share twice. Times are on the simulator
 * clock; a real-time ticker looks for due deliveries, so moving the clock speeds retries up.
 */
import { randomUUID } from 'node:crypto';
import type { Account } from '../account.ts';
import type { CallRecord, Message } from '../model.ts';
import type { Rng } from '../seed/prng.ts';
import { callFilterMatches, messageFilterMatches } from './filters.ts';
import { callChange, envelope, messageEventBody, telephonyEventBody, type MailboxChange } from './events.ts';
import type { SimSubscription, SubscriptionRegistry } from './registry.ts';
import { deliver } from './webhook-http.ts';

export interface WebhookOptions {
  timeoutMs: number;
  retryDelaysMs: readonly number[];
  blacklistAfterMs: number;
  /** Deliveries kept for `/__sim/deliveries`, newest last. */
  logSize: number;
  tickMs: number;
  maxInFlight: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  timeoutMs: 3000,
  retryDelaysMs: [5_000, 10_000, 20_000, 40_000, 60_000],
  blacklistAfterMs: 10 * 60_000,
  logSize: 20_000,
  tickMs: 50,
  maxInFlight: 16,
};

type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'dropped' | 'abandoned';

interface Delivery {
  uuid: string;
  subscriptionId: string;
  accountId: string;
  event: string;
  kind: 'message-store' | 'telephony';
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  dueAt: number;
  deliveredAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  body: string;
}

interface HubDeps {
  registry: SubscriptionRegistry;
  now(): number;
  /** Share of notifications lost before delivery (the `dropNotifications` fault) and its PRNG. */
  dropShare(): number;
  /** Share of notifications sent twice, the same uuid and body (the `duplicateNotifications` fault). */
  duplicateShare(): number;
  rng(): Rng;
}

export class WebhookHub {
  private readonly deps: HubDeps;
  private readonly options: WebhookOptions;
  private readonly log: Delivery[] = [];
  private readonly pending: Delivery[] = [];
  private readonly inFlight = new Set<Delivery>();
  private readonly timer: NodeJS.Timeout;
  private readonly controller = new AbortController();

  constructor(deps: HubDeps, options: Partial<WebhookOptions> = {}) {
    this.deps = deps;
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.controller.abort();
  }

  deliveries(filter: { accountId?: string; subscriptionId?: string; limit?: number } = {}): Delivery[] {
    const matching = this.log.filter(
      (d) =>
        (filter.accountId === undefined || d.accountId === filter.accountId) &&
        (filter.subscriptionId === undefined || d.subscriptionId === filter.subscriptionId),
    );
    return matching.slice(-(filter.limit ?? 1000));
  }

  /** New and changed messages of an account, grouped per mailbox. */
  messagesChanged(account: Account, created: Message[], updated: Message[]): void {
    const byMailbox = new Map<number, MailboxChange>();
    const entry = (extensionId: number) => {
      let change = byMailbox.get(extensionId);
      if (!change) byMailbox.set(extensionId, (change = { extensionId, created: [], updated: [] }));
      return change;
    };
    for (const m of created) entry(m.extensionId).created.push(m);
    for (const m of updated) entry(m.extensionId).updated.push(m);
    const now = this.deps.now();
    for (const change of byMailbox.values())
      for (const sub of this.receivers(account))
        sub.parsed.forEach((filter, i) => {
          const accepts = (m: Message) =>
            messageFilterMatches(filter, {
              extensionId: change.extensionId,
              type: m.type,
              direction: m.direction,
            });
          const body = messageEventBody(account, change, accepts, now);
          if (body) this.enqueue(sub, sub.eventFilters[i]!, 'message-store', body);
        });
  }

  callsEnded(account: Account, calls: CallRecord[]): void {
    for (const call of calls) {
      const change = callChange(call);
      for (const sub of this.receivers(account))
        sub.parsed.forEach((filter, i) => {
          if (callFilterMatches(filter, change))
            this.enqueue(sub, sub.eventFilters[i]!, 'telephony', telephonyEventBody(account, call));
        });
    }
  }

  private receivers(account: Account): SimSubscription[] {
    return this.deps.registry.ofAccount(account.id, this.deps.now()).filter((s) => s.status === 'Active');
  }

  private enqueue(
    sub: SimSubscription,
    event: string,
    kind: Delivery['kind'],
    body: Record<string, unknown>,
  ): void {
    const now = this.deps.now();
    const uuid = randomUUID();
    const payload = envelope(
      { uuid, event, subscriptionId: sub.id, ownerId: String(sub.ownerId) },
      now,
      body,
    );
    const delivery: Delivery = {
      uuid,
      subscriptionId: sub.id,
      accountId: sub.accountId,
      event,
      kind,
      status: 'pending',
      attempts: 0,
      createdAt: now,
      dueAt: now,
      deliveredAt: null,
      lastStatus: null,
      lastError: null,
      body: JSON.stringify(payload),
    };
    this.record(delivery);
    const share = this.deps.dropShare();
    if (share > 0 && this.deps.rng().next() < share) {
      delivery.status = 'dropped';
      return;
    }
    this.pending.push(delivery);
    const twice = this.deps.duplicateShare();
    if (twice > 0 && this.deps.rng().next() < twice) {
      const copy = { ...delivery };
      this.record(copy);
      this.pending.push(copy);
    }
    this.tick();
  }

  private record(delivery: Delivery): void {
    this.log.push(delivery);
    if (this.log.length > this.options.logSize) this.log.splice(0, this.log.length - this.options.logSize);
  }

  private tick(): void {
    const now = this.deps.now();
    for (let i = 0; i < this.pending.length && this.inFlight.size < this.options.maxInFlight;) {
      const delivery = this.pending[i]!;
      if (delivery.dueAt > now) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      void this.attempt(delivery);
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const sub = this.deps.registry.get(delivery.subscriptionId, this.deps.now());
    // Deleted, expired or blacklisted meanwhile: RingCentral no longer sends for it.
    if (!sub || sub.status !== 'Active') {
      delivery.status = 'abandoned';
      return;
    }
    this.inFlight.add(delivery);
    delivery.status = 'sending';
    delivery.attempts++;
    const answer = await deliver(sub.address, delivery.body, sub.verificationToken, this.options.timeoutMs);
    this.inFlight.delete(delivery);
    if (this.controller.signal.aborted) return;
    const now = this.deps.now();
    delivery.lastStatus = answer.status;
    if (answer.ok) {
      delivery.status = 'delivered';
      delivery.deliveredAt = now;
      delivery.lastError = null;
      sub.failingSince = null;
    } else {
      delivery.lastError = answer.reason;
      sub.failingSince ??= now;
      if (now - sub.failingSince >= this.options.blacklistAfterMs) {
        sub.status = 'Blacklisted';
        sub.blacklistedData = { blacklistedAt: now, reason: answer.reason ?? 'Webhook delivery failed' };
        delivery.status = 'abandoned';
      } else {
        const delays = this.options.retryDelaysMs;
        delivery.dueAt = now + delays[Math.min(delivery.attempts - 1, delays.length - 1)]!;
        delivery.status = 'pending';
        this.pending.push(delivery);
      }
    }
    this.tick();
  }
}
