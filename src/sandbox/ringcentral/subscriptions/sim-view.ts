/**
 * What `/__sim/subscriptions` and `/__sim/deliveries` show: every live subscription with its owner
 * and status (the verification token stays secret: only whether one is set), and the latest
 * deliveries with their outcome, attempts and the notification body that was (or would be) sent.
 */
import type { SimState } from '../state.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface SimSubscriptionView {
  id: string;
  accountId: string;
  ownerId: string;
  clientId: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  disabledFilters: Array<{ filter: string; reason: string; message: string }>;
  address: string;
  hasVerificationToken: boolean;
  creationTime: string;
  expirationTime: string;
  blacklistedData: { blacklistedAt: string; reason: string } | null;
}

export interface SimDeliveryView {
  uuid: string;
  subscriptionId: string;
  accountId: string;
  event: string;
  kind: 'message-store' | 'telephony';
  status: 'pending' | 'sending' | 'delivered' | 'dropped' | 'abandoned';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  body: unknown;
}

export function simSubscriptionsView(state: SimState, accountId?: string): SimSubscriptionView[] {
  return state.subscriptions.ofAccount(accountId, state.now()).map((s) => ({
    id: s.id,
    accountId: s.accountId,
    ownerId: String(s.ownerId),
    clientId: s.clientId,
    status: s.status,
    eventFilters: [...s.eventFilters],
    disabledFilters: s.disabledFilters.map((d) => ({ ...d })),
    address: s.address,
    hasVerificationToken: s.verificationToken !== null,
    creationTime: iso(s.creationTime)!,
    expirationTime: iso(s.expirationTime)!,
    blacklistedData: s.blacklistedData
      ? { blacklistedAt: iso(s.blacklistedData.blacklistedAt)!, reason: s.blacklistedData.reason }
      : null,
  }));
}

export function simDeliveriesView(
  state: SimState,
  filter: { accountId?: string; subscriptionId?: string; limit?: number },
): SimDeliveryView[] {
  return state.webhooks.deliveries(filter).map((d) => ({
    uuid: d.uuid,
    subscriptionId: d.subscriptionId,
    accountId: d.accountId,
    event: d.event,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    createdAt: iso(d.createdAt)!,
    deliveredAt: iso(d.deliveredAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    body: JSON.parse(d.body) as unknown,
  }));
}
